import ChatCore

/// Runs `dataset prepare`: reads every input as a stream, extracts candidate pairs with the
/// source's filters, cleans, screens, limits and deduplicates them, and writes JSON lines through
/// a temporary file that only replaces the output when at least one pair was kept.
public struct DatasetPreparer {
    public var options: PrepareOptions
    public var screen: any ContentScreen
    public var estimator: TokenEstimator

    public init(options: PrepareOptions, screen: any ContentScreen = KeywordContentScreen(), estimator: TokenEstimator = TokenEstimator()) {
        self.options = options
        self.screen = screen
        self.estimator = estimator
    }

    public func run(
        inputs: [PrepareInput], output: String, progress: (PrepareProgress) -> Void = { _ in }
    ) throws(DatasetError) -> PrepareSummary {
        guard !inputs.isEmpty else { throw .invalidOption("no input files (use --flyrae, --efaqa or --jsonl)") }
        let writer = try AtomicFileWriter(path: output)
        var state = RunState(options: options)
        state.summary.includedSOS = options.efaqa.includeSOS
        do throws(DatasetError) {
            for input in inputs {
                try process(input, writer: writer, state: &state, progress: progress)
            }
            if state.summary.kept == 0 {
                writer.abandon()
                return state.summary
            }
            try writer.append(state.line)
            state.line.removeAll()
            try writer.commit()
            state.summary.bytesWritten = writer.bytesWritten
            state.summary.outputWritten = true
            state.summary.estimatedTokens = estimator.tokens(ascii: state.summary.characters.ascii, other: state.summary.characters.other)
            return state.summary
        } catch {
            writer.abandon()
            throw error
        }
    }

    private struct RunState {
        var summary = PrepareSummary()
        var deduplicator: Deduplicator
        var line: [UInt8] = []
        var lastRawQuestion: String?
        var lastCleanQuestion = ""
        var lastQuestionFlag: ContentFlag?
        var lastNormalizedQuestion = ""

        init(options: PrepareOptions) {
            deduplicator = Deduplicator(nearDuplicates: options.nearDuplicates, maxAnswerRepeats: options.maxAnswerRepeats)
            line.reserveCapacity(1 << 16)
        }
    }

    private func process(
        _ input: PrepareInput, writer: AtomicFileWriter, state: inout RunState, progress: (PrepareProgress) -> Void
    ) throws(DatasetError) {
        let counter = ByteCounter()
        let total = FileByteSource.size(of: input.path) ?? 0
        let layout = input.kind == .generic ? try DatasetInput.detectLayout(path: input.path) : input.kind.layout
        var reader = RecordReader(source: try DatasetInput.open(path: input.path, counter: counter), layout: layout, configuration: options.reader)
        defer { reader.close() }
        let flyrae = FlyraeSource(options: options.flyrae)
        let efaqa = EfaqaSource(options: options.efaqa)
        let generic = GenericSource(format: options.promptFormat)
        var records = 0
        while let item = try reader.next() {
            switch item {
            case .record(let value, let position):
                records += 1
                let extracted: Result<[SourcePair], MalformedRecord>
                switch input.kind {
                case .flyrae:
                    extracted = flyrae.pairs(from: value, at: position, drops: &state.summary.dropped)
                case .efaqa:
                    extracted = efaqa.pairs(from: value, at: position, drops: &state.summary.dropped).map { extraction in
                        if extraction.isSOS {
                            state.summary.sosThreads += 1
                            if state.summary.sosPositions.count < 20 { state.summary.sosPositions.append(position) }
                        }
                        return extraction.pairs
                    }
                case .generic:
                    extracted = generic.pairs(from: value, at: position)
                }
                switch extracted {
                case .success(let pairs):
                    for pair in pairs { try consider(pair, writer: writer, state: &state) }
                case .failure(let malformed):
                    if options.strict { throw .syntax(malformed.position, malformed.reason) }
                    state.summary.dropped[.malformedRecord, default: 0] += 1
                    state.summary.note("\(input.path): \(malformed)")
                }
            case .skipped(let error, _):
                records += 1
                if options.strict { throw error }
                if case .invalidUTF8 = error {
                    state.summary.dropped[.invalidUTF8, default: 0] += 1
                } else {
                    state.summary.dropped[.malformedRecord, default: 0] += 1
                }
                state.summary.note("\(input.path): \(error)")
            }
            if records & 255 == 0 {
                progress(PrepareProgress(file: input.path, bytesDone: counter.value, bytesTotal: total, records: records, kept: state.summary.kept, finishedFile: false))
            }
        }
        state.summary.recordsRead[input.kind, default: 0] += records
        progress(PrepareProgress(file: input.path, bytesDone: counter.value, bytesTotal: total, records: records, kept: state.summary.kept, finishedFile: true))
    }

    private func consider(_ pair: SourcePair, writer: AtomicFileWriter, state: inout RunState) throws(DatasetError) {
        state.summary.candidates += 1
        let cleaner = TextCleaner(options: options.cleaner)
        if pair.question != state.lastRawQuestion {
            state.lastRawQuestion = pair.question
            state.lastCleanQuestion = cleaner.clean(pair.question)
            let folded = Folding.fold(state.lastCleanQuestion)
            state.lastQuestionFlag = options.screenCrisis ? screen.screen(state.lastCleanQuestion, folded: folded) : nil
            state.lastNormalizedQuestion = Deduplicator.normalized(folded: folded)
        }
        let question = state.lastCleanQuestion
        let answer = cleaner.clean(pair.answer)
        func drop(_ reason: DropReason) { state.summary.dropped[reason, default: 0] += 1 }

        guard !question.isEmpty, !answer.isEmpty else { return drop(.emptyAfterCleaning) }
        let foldedAnswer = Folding.fold(answer)
        let normalizedAnswer = Deduplicator.normalized(folded: foldedAnswer)
        if options.dropLowContent, LowContentFilter.isLowContent(normalized: normalizedAnswer) { return drop(.thanksOrEmojiOnly) }
        let answerLength = answer.unicodeScalars.count
        if answerLength < options.minAnswerCharacters { return drop(.tooShort) }
        if options.maxPromptCharacters > 0, question.unicodeScalars.count > options.maxPromptCharacters { return drop(.promptTooLong) }
        if options.maxAnswerCharacters > 0, answerLength > options.maxAnswerCharacters { return drop(.answerTooLong) }
        if options.screenCrisis, let flag = state.lastQuestionFlag ?? screen.screen(answer, folded: foldedAnswer) {
            state.summary.crisisCategories[flag.category, default: 0] += 1
            return drop(.crisisContent)
        }
        let context = pair.context.map { ContextTurn(question: cleaner.clean($0.question), answer: cleaner.clean($0.answer)) }
        let mark = state.line.count
        let counts = options.output.append(TrainingExample(question: question, answer: answer, context: context), to: &state.line)
        if counts.prompt.total + counts.completion.total > options.maxExampleCharacters {
            state.line.removeSubrange(mark...)
            return drop(.exampleTooLong)
        }
        switch state.deduplicator.check(question: question, answer: answer, normalizedQuestion: state.lastNormalizedQuestion, normalizedAnswer: normalizedAnswer) {
        case .unique: break
        case .exactDuplicate: state.line.removeSubrange(mark...); return drop(.exactDuplicate)
        case .nearDuplicate: state.line.removeSubrange(mark...); return drop(.nearDuplicate)
        case .repeatedAnswer: state.line.removeSubrange(mark...); return drop(.repeatedAnswer)
        }
        state.summary.kept += 1
        state.summary.characters += counts.prompt
        state.summary.characters += counts.completion
        if let category = pair.category { state.summary.categories[category, default: 0] += 1 }
        if state.line.count >= 1 << 20 {
            try writer.append(state.line)
            state.line.removeAll(keepingCapacity: true)
        }
    }
}
