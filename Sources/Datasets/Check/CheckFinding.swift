/// The checks of `dataset check`: the legacy `prepare_data` checks (docs/protocols.md C.9, in its
/// order) followed by the ones this project adds. Raw values are stable ids for `--json`.
public enum CheckID: String, Sendable, CaseIterable, Codable {
    // Legacy checks, C.9 rows 1–15.
    case numExamples = "num_examples"
    case missingPrompt = "necessary_column.prompt"
    case missingCompletion = "necessary_column.completion"
    case additionalColumn = "additional_column"
    case emptyCompletion = "non_empty_field.completion"
    case formatInferrer = "format_inferrer"
    case duplicatedRows = "duplicated_rows"
    case longExamples = "long_examples"
    case lowerCasePrompt = "lower_case.prompt"
    case lowerCaseCompletion = "lower_case.completion"
    case commonPromptSuffix = "common_suffix.prompt"
    case commonPromptPrefix = "common_prefix.prompt"
    case commonCompletionPrefix = "common_prefix.completion"
    case commonCompletionSuffix = "common_suffix.completion"
    case completionSpaceStart = "completion_space_start"
    // This project's checks.
    case fileSize = "file_size"
    case fileExtension = "file_extension"
    case byteOrderMark = "bom"
    case invalidUTF8 = "utf8"
    case lineEndings = "line_endings"
    case finalNewline = "final_newline"
    case blankLines = "blank_lines"
    case jsonArrayFile = "json_array"
    case notJSONObject = "json_lines"
    case fieldTypes = "field_types"
    case unicodeEscapes = "unicode_escapes"
    case escapedNonASCII = "escaped_non_ascii"
    case missingSeparator = "separator"
    case separatorInside = "separator_inside"
    case missingStop = "stop_sequence"
    case stopInside = "stop_inside"
    case missingLeadingSpace = "leading_space"
    case emptyPrompt = "empty_prompt"
    case emptyAnswer = "empty_answer"
    case crisisCompletion = "crisis_content.completion"
    case crisisPrompt = "crisis_content.prompt"
    case chatFormat = "chat_format"
    case mixedFormats = "mixed_formats"
    /// The file's layout does not match the model it is meant for (`--for-model`).
    case modelFormat = "model_format"
    /// The model it is meant for cannot be fine-tuned any more.
    case retiredModel = "retired_model"

    /// True for the 15 checks of the legacy tool.
    public var isLegacy: Bool { (CheckID.allCases.firstIndex(of: self) ?? 99) < 15 }
}

public enum Severity: String, Sendable, Codable, Comparable {
    case info
    case warning
    case error

    private var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// What `--fix` does about a finding.
public enum FixAction: Sendable, Equatable, Codable {
    case none
    /// Applied by `--fix`; the text says what it does.
    case automatic(String)
    /// Applied only with the named extra flag (changes text in ways a person should choose).
    case optIn(flag: String, what: String)
}

/// One finding, with the lines it concerns (1-based; the first few, and how many in all).
public struct CheckFinding: Sendable, Equatable, Codable {
    public var id: CheckID
    public var severity: Severity
    public var message: String
    public var lines: [Int]
    public var lineCount: Int
    public var fix: FixAction

    public init(id: CheckID, severity: Severity, message: String, lines: [Int] = [], lineCount: Int = 0, fix: FixAction = .none) {
        self.id = id
        self.severity = severity
        self.message = message
        self.lines = lines
        self.lineCount = max(lineCount, lines.count)
        self.fix = fix
    }
}

/// The result of checking a file.
public struct CheckReport: Sendable, Codable {
    public var path: String
    public var format: String
    public var examples: Int
    public var findings: [CheckFinding]

    public var errors: [CheckFinding] { findings.filter { $0.severity == .error } }
    public var warnings: [CheckFinding] { findings.filter { $0.severity == .warning } }
    public var passed: Bool { errors.isEmpty }

    public func finding(_ id: CheckID) -> CheckFinding? { findings.first { $0.id == id } }
}
