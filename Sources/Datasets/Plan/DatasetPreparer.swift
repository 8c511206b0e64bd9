import ChatCore
import Dispatch
import Foundation
import Synchronization

/// Runs `dataset prepare`: reads every input as a stream, extracts candidate pairs with the
/// source's filters, cleans, screens, limits and deduplicates them, and writes JSON lines through
/// a temporary file that only replaces the output when at least one pair was kept.
public struct DatasetPreparer {
    public var options: PrepareOptions
    public var screen: any ContentScreen
    public var estimator: TokenEstimator
    /// Threads preparing pairs (default: the active cores, at most 8).
    public var workers = min(8, max(1, ProcessInfo.processInfo.activeProcessorCount))

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
        var pending: [SourcePair] = []
        /// The batch being prepared on the other cores while the next one is read.
        var inFlight: PreparationJob?

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
        try flush(writer: writer, state: &state, draining: true)
        state.summary.recordsRead[input.kind, default: 0] += records
        progress(PrepareProgress(file: input.path, bytesDone: counter.value, bytesTotal: total, records: records, kept: state.summary.kept, finishedFile: true))
    }

    /// Pairs waiting for their batch to be prepared.
    private func consider(_ pair: SourcePair, writer: AtomicFileWriter, state: inout RunState) throws(DatasetError) {
        state.pending.append(pair)
        if state.pending.count >= Self.batchSize { try flush(writer: writer, state: &state) }
    }

    static let batchSize = 2048

    /// Hands the pending pairs to the cores and takes in the batch handed over before, so reading
    /// the next batch overlaps preparing this one; `draining` also waits for the batch just handed
    /// over. Deduplication and writing stay in input order.
    private func flush(writer: AtomicFileWriter, state: inout RunState, draining: Bool = false) throws(DatasetError) {
        if let previous = state.inFlight {
            state.inFlight = nil
            try take(previous.wait(), writer: writer, state: &state)
        }
        if !state.pending.isEmpty {
            state.summary.candidates += state.pending.count
            state.inFlight = PreparationJob(preparation: PairPreparation(options: options, screen: screen), batch: state.pending, workers: workers)
            state.pending.removeAll(keepingCapacity: true)
        }
        if draining, let last = state.inFlight {
            state.inFlight = nil
            try take(last.wait(), writer: writer, state: &state)
        }
    }

    /// Deduplicates and writes one prepared batch.
    private func take(_ outcomes: [PairPreparation.Outcome], writer: AtomicFileWriter, state: inout RunState) throws(DatasetError) {
        for outcome in outcomes {
            switch outcome {
            case .drop(let reason):
                state.summary.dropped[reason, default: 0] += 1
            case .crisis(let category):
                state.summary.crisisCategories[category, default: 0] += 1
                state.summary.dropped[.crisisContent, default: 0] += 1
            case .ready(let prepared):
                let verdict = state.deduplicator.check(
                    question: prepared.question, answer: prepared.answer,
                    normalizedQuestion: prepared.normalizedQuestion, normalizedAnswer: prepared.normalizedAnswer
                )
                switch verdict {
                case .unique: break
                case .exactDuplicate: state.summary.dropped[.exactDuplicate, default: 0] += 1; continue
                case .nearDuplicate: state.summary.dropped[.nearDuplicate, default: 0] += 1; continue
                case .repeatedAnswer: state.summary.dropped[.repeatedAnswer, default: 0] += 1; continue
                }
                state.summary.kept += 1
                state.summary.characters += prepared.counts.prompt
                state.summary.characters += prepared.counts.completion
                if let category = prepared.category { state.summary.categories[category, default: 0] += 1 }
                state.line.append(contentsOf: prepared.line)
            }
        }
        if state.line.count >= 1 << 20 {
            try writer.append(state.line)
            state.line.removeAll(keepingCapacity: true)
        }
    }
}

/// One batch prepared on a background queue (across the cores), waited for by the reader.
final class PreparationJob: Sendable {
    private let result = Mutex<[PairPreparation.Outcome]>([])
    private let done = DispatchSemaphore(value: 0)

    init(preparation: PairPreparation, batch: [SourcePair], workers: Int) {
        DispatchQueue.global().async { [self] in
            let outcomes = preparation.prepare(batch: batch, workers: workers)
            result.withLock { $0 = outcomes }
            done.signal()
        }
    }

    func wait() -> [PairPreparation.Outcome] {
        done.wait()
        return result.withLock { $0 }
    }
}
