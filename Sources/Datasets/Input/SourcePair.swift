/// Where a pair came from.
public enum SourceKind: String, Sendable, CaseIterable, Codable {
    /// flyrae Chinese-Psychological-QA-DataSet: one JSON array of questions with answers.
    case flyrae
    /// efaqa-corpus-zh: JSON lines (often gzip) of forum threads with labelled chats.
    case efaqa
    /// `{"prompt","completion"}` or `{"messages":[…]}` JSON lines.
    case generic

    public var layout: InputLayout { self == .flyrae ? .array : .lines }
}

/// One question→answer candidate read from a source, before cleaning.
public struct SourcePair: Sendable, Equatable {
    public var question: String
    public var answer: String
    /// Earlier (question, answer) turns, oldest first (generic chat files only).
    public var context: [ContextTurn]
    /// Answers sharing a key belong to one question and are never split apart.
    public var groupKey: String
    public var category: String?
    public var source: SourceKind
    public var position: SourcePosition

    public init(
        question: String, answer: String, context: [ContextTurn] = [], groupKey: String,
        category: String? = nil, source: SourceKind, position: SourcePosition
    ) {
        self.question = question
        self.answer = answer
        self.context = context
        self.groupKey = groupKey
        self.category = category
        self.source = source
        self.position = position
    }
}

public struct ContextTurn: Sendable, Equatable {
    public var question: String
    public var answer: String

    public init(question: String, answer: String) {
        self.question = question
        self.answer = answer
    }
}

/// Why a candidate (or a whole record) was not used. Raw values appear in summaries.
public enum DropReason: String, Sendable, CaseIterable, Codable, Comparable {
    case malformedRecord = "malformed record"
    case invalidUTF8 = "invalid UTF-8"
    case notRecommended = "not recommended (flyrae)"
    case belowMinimumUpvotes = "below minimum upvotes (flyrae zan)"
    case labelFiltered = "excluded by label filter"
    case notKnowledge = "not labelled knowledge (efaqa)"
    case negative = "labelled negative (efaqa)"
    case ownerMessage = "sent by the asker (efaqa)"
    case sosTopic = "SOS topic (efaqa label.s3)"
    case crisisContent = "crisis content"
    case emptyAfterCleaning = "empty after cleaning"
    case thanksOrEmojiOnly = "only thanks, filler or emoji"
    case tooShort = "answer too short"
    case promptTooLong = "prompt too long"
    case answerTooLong = "answer too long"
    case exampleTooLong = "prompt + completion over 10,000 characters"
    case exactDuplicate = "exact duplicate"
    case nearDuplicate = "near duplicate"
    case repeatedAnswer = "answer repeated too often"

    public static func < (a: DropReason, b: DropReason) -> Bool {
        allCases.firstIndex(of: a) ?? 0 < allCases.firstIndex(of: b) ?? 0
    }
}
