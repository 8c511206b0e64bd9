import ChatCore

/// Everything `dataset prepare` can be told. The defaults are the recipe's filters plus the
/// cleaning rules; see docs/datasets.md.
public struct PrepareOptions: Sendable {
    public var output: TrainingFormat = .completion(.standard)
    /// Used to unwrap generic prompt/completion inputs that are already formatted.
    public var promptFormat: PromptFormat = .standard
    public var flyrae = FlyraeSource.Options()
    public var efaqa = EfaqaSource.Options()
    public var cleaner = TextCleaner.Options()
    /// Characters (Unicode scalars) after cleaning; 0 disables a limit.
    public var maxPromptCharacters = 2000
    public var maxAnswerCharacters = 3000
    public var minAnswerCharacters = 2
    /// The legacy checker's limit on prompt + completion (C.9 check 8); always applied.
    public var maxExampleCharacters = 10_000
    public var dropLowContent = true
    public var nearDuplicates = true
    public var maxAnswerRepeats = 0
    /// Leave out pairs whose question or answer touches crisis topics (`ContentScreen`).
    public var screenCrisis = true
    /// Stop at the first malformed record instead of counting it and going on.
    public var strict = false
    public var reader = RecordReader.Configuration()

    public init() {}
}

/// One input file and how to read it.
public struct PrepareInput: Sendable, Equatable {
    public var kind: SourceKind
    public var path: String

    public init(kind: SourceKind, path: String) {
        self.kind = kind
        self.path = path
    }
}

/// Where a long run is, for progress display.
public struct PrepareProgress: Sendable {
    public var file: String
    /// Bytes read from disk (compressed bytes for gzip) and the file's size.
    public var bytesDone: Int
    public var bytesTotal: Int
    public var records: Int
    public var kept: Int
    public var finishedFile: Bool
}

/// What `dataset prepare` did: read, kept, dropped by reason, characters and tokens.
public struct PrepareSummary: Sendable {
    public var recordsRead: [SourceKind: Int] = [:]
    public var candidates = 0
    public var kept = 0
    public var dropped: [DropReason: Int] = [:]
    public var characters = CharacterCount()
    public var estimatedTokens = 0.0
    public var bytesWritten = 0
    public var sosThreads = 0
    /// Whether SOS threads were kept (`--include-sos`).
    public var includedSOS = false
    public var sosPositions: [SourcePosition] = []
    public var problems: [String] = []
    public var problemCount = 0
    public var categories: [String: Int] = [:]
    public var crisisCategories: [String: Int] = [:]
    public var outputWritten = false

    public init() {}

    public var droppedTotal: Int { dropped.values.reduce(0, +) }

    /// Keeps the first few problems (positions and reasons, never content).
    mutating func note(_ problem: String) {
        problemCount += 1
        if problems.count < 20 { problems.append(problem) }
    }
}
