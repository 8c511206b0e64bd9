import ChatCore

/// `dataset split`: a deterministic train/validation split that keeps every answer to one
/// question on the same side (grouped by the question text, normalised), so validation never
/// measures answers to questions the model was trained on.
public struct DatasetSplitter {
    public struct Options: Sendable {
        public var validationFraction = 0.1
        /// The legacy tool's cap on the validation set (C.9: up to 1000 rows).
        public var maxValidation: Int? = nil
        public var seed: UInt64 = 42
        public var format: PromptFormat = .standard
        public init() {}
    }

    public struct Summary: Sendable, Equatable {
        public var trainExamples = 0
        public var validationExamples = 0
        public var trainGroups = 0
        public var validationGroups = 0
    }

    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    public func split(path: String, train: String, validation: String) throws(DatasetError) -> Summary {
        guard options.validationFraction > 0, options.validationFraction < 1 else {
            throw .invalidOption("--validation must be between 0 and 1 (exclusive)")
        }
        guard train != validation, train != path, validation != path else { throw .invalidOption("the outputs must differ from each other and from the input") }
        // Pass 1: group sizes.
        var sizes: [Fingerprint: Int] = [:]
        var total = 0
        var reader = try TrainingFileReader(path: path)
        while let example = try reader.next() {
            sizes[example.line.groupKey(format: options.format), default: 0] += 1
            total += 1
        }
        reader.close()
        guard sizes.count >= 2 else { throw .emptyOutput("a split needs at least two different questions (found \(sizes.count))") }

        var target = Int((Double(total) * options.validationFraction).rounded())
        if let cap = options.maxValidation { target = min(target, cap) }
        target = max(target, 1)
        let ranked = sizes.keys.map { ($0, $0.seeded(options.seed)) }.sorted { $0.1 < $1.1 }.map(\.0)
        var chosen: Set<Fingerprint> = []
        var validationCount = 0
        for group in ranked where validationCount < target {
            let size = sizes[group] ?? 0
            // Skip a group that would overshoot; a smaller one later may fit.
            if validationCount + size > target, validationCount > 0 { continue }
            if chosen.count == sizes.count - 1 { break }
            chosen.insert(group)
            validationCount += size
        }

        // Pass 2: copy lines to their side.
        let trainWriter = try AtomicFileWriter(path: train)
        let validationWriter = try AtomicFileWriter(path: validation)
        var summary = Summary()
        summary.validationGroups = chosen.count
        summary.trainGroups = sizes.count - chosen.count
        do throws(DatasetError) {
            var second = try TrainingFileReader(path: path)
            defer { second.close() }
            while let example = try second.next() {
                let toValidation = chosen.contains(example.line.groupKey(format: options.format))
                let writer = toValidation ? validationWriter : trainWriter
                try writer.append(Array(example.raw))
                try writer.append([0x0A])
                if toValidation { summary.validationExamples += 1 } else { summary.trainExamples += 1 }
            }
            try trainWriter.commit()
            try validationWriter.commit()
            return summary
        } catch {
            trainWriter.abandon()
            validationWriter.abandon()
            throw error
        }
    }
}
