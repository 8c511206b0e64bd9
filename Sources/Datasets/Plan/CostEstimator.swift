/// `dataset estimate`: tokens and cost of fine-tuning on a file, and sampling it down to a
/// budget (`--max-cost`, `--max-bytes`) instead of failing at upload (the recipe's 254 MB upload
/// failed). Sampling is deterministic (seeded ranks) and keeps the file's line order.
public struct CostEstimator {
    public struct Estimate: Sendable, Equatable {
        public var examples = 0
        public var bytes = 0
        public var characters = CharacterCount()
        public var tokensPerEpoch = 0.0
        public var epochs = 4
        public var pricePerThousand: Double?

        public var trainedTokens: Double { tokensPerEpoch * Double(epochs) }
        public var cost: Double? { pricePerThousand.map { trainedTokens / 1000 * $0 } }
    }

    public struct Budget: Sendable, Equatable {
        public var maxCost: Double?
        public var maxBytes: Int?
        public var seed: UInt64 = 42

        public init(maxCost: Double? = nil, maxBytes: Int? = nil, seed: UInt64 = 42) {
            self.maxCost = maxCost
            self.maxBytes = maxBytes
            self.seed = seed
        }

        var isLimited: Bool { maxCost != nil || maxBytes != nil }
    }

    public var estimator: TokenEstimator
    public var epochs: Int
    public var pricePerThousand: Double?

    public init(estimator: TokenEstimator = TokenEstimator(), epochs: Int = 4, pricePerThousand: Double?) {
        self.estimator = estimator
        self.epochs = epochs
        self.pricePerThousand = pricePerThousand
    }

    public func estimate(path: String) throws(DatasetError) -> Estimate {
        var result = Estimate(epochs: epochs, pricePerThousand: pricePerThousand)
        var reader = try TrainingFileReader(path: path)
        defer { reader.close() }
        while let example = try reader.next() {
            result.examples += 1
            result.bytes += example.raw.count + 1
            let count = example.line.characterCount
            result.characters += count
            result.tokensPerEpoch += estimator.tokens(ascii: count.ascii, other: count.other)
        }
        return result
    }

    /// Writes the largest seeded sample of `path` that fits the budget; returns its estimate.
    public func sample(path: String, output: String, budget: Budget) throws(DatasetError) -> Estimate {
        guard budget.isLimited else { throw .invalidOption("give --max-cost or --max-bytes to sample") }
        if budget.maxCost != nil, pricePerThousand == nil { throw .invalidOption("no price known for this model: pass --price") }
        guard output != path else { throw .invalidOption("the sample must be written to another file") }
        // Pass 1: size and tokens per line, and a seeded rank.
        var sizes: [Int32] = []
        var tokens: [Float] = []
        var ranks: [Fingerprint] = []
        var reader = try TrainingFileReader(path: path)
        while let example = try reader.next() {
            sizes.append(Int32(clamping: example.raw.count + 1))
            let count = example.line.characterCount
            tokens.append(Float(estimator.tokens(ascii: count.ascii, other: count.other)))
            ranks.append(Fingerprint(bytes: example.raw).combined(with: Fingerprint(high: UInt64(sizes.count), low: 0)).seeded(budget.seed))
        }
        reader.close()
        let tokenBudget = budget.maxCost.flatMap { cost in pricePerThousand.map { cost / $0 * 1000 / Double(epochs) } } ?? .infinity
        let byteBudget = budget.maxBytes.map(Double.init) ?? .infinity
        var keep = [Bool](repeating: false, count: sizes.count)
        var usedBytes = 0.0
        var usedTokens = 0.0
        for index in ranks.indices.sorted(by: { ranks[$0] < ranks[$1] }) {
            let b = Double(sizes[index])
            let t = Double(tokens[index])
            if usedBytes + b > byteBudget || usedTokens + t > tokenBudget { continue }
            keep[index] = true
            usedBytes += b
            usedTokens += t
        }
        guard keep.contains(true) else { throw .emptyOutput("the budget is smaller than any single example") }
        // Pass 2: copy the kept lines in order.
        let writer = try AtomicFileWriter(path: output)
        do throws(DatasetError) {
            var second = try TrainingFileReader(path: path)
            defer { second.close() }
            var index = 0
            while let example = try second.next() {
                if keep[index] {
                    try writer.append(Array(example.raw))
                    try writer.append([0x0A])
                }
                index += 1
            }
            try writer.commit()
        } catch {
            writer.abandon()
            throw error
        }
        return try estimate(path: output)
    }
}
