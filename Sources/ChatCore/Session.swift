import Foundation

/// One question and the answer given to it.
public struct Turn: Sendable, Codable, Equatable {
    public var question: String
    public var answer: String
    public var tier: SafetyTier
    public var at: Date
    /// Identifier of the canned answer used (retrieval pair id), so a repeated question can get a
    /// different answer next time.
    public var answerID: String?

    public init(question: String, answer: String, tier: SafetyTier = .none, at: Date, answerID: String? = nil) {
        self.question = question
        self.answer = answer
        self.tier = tier
        self.at = at
        self.answerID = answerID
    }
}

/// Everything stored for one user. Bounded by `SessionLimits`; deleted by `/forget` and by the
/// idle sweeper.
public struct Session: Sendable, Codable, Equatable {
    /// Bumped only for changes an older reader cannot take. Optional fields added later (such as
    /// `pendingSafetyQuestion`) decode as nil from older records and are ignored by older readers,
    /// so they keep version 1.
    public static let currentVersion = 1

    public var version: Int
    public var turns: [Turn]
    public var createdAt: Date
    public var updatedAt: Date
    /// Whether the first-reply disclaimer has been shown in this session.
    public var disclaimerShown: Bool
    /// Until when later replies keep a resource line after a crisis message.
    public var crisisModeUntil: Date?
    /// Platform-specific small facts (e.g. `telegram.blocked`), never message text.
    public var flags: [String: String]
    /// The yes/no question the last safety reply asked, until answered or expired (nil: none;
    /// absent in records written before it existed).
    public var pendingSafetyQuestion: PendingSafetyQuestion?

    public init(now: Date) {
        self.version = Self.currentVersion
        self.turns = []
        self.createdAt = now
        self.updatedAt = now
        self.disclaimerShown = false
        self.crisisModeUntil = nil
        self.flags = [:]
        self.pendingSafetyQuestion = nil
    }

    public func isInCrisisMode(at now: Date) -> Bool {
        guard let until = crisisModeUntil else { return false }
        return until > now
    }

    /// Appends a turn and trims the history to the limits: at most `maxTurns` turns and at most
    /// `maxCharacters` characters of questions and answers, dropping the oldest first. The newest
    /// turn is always kept, shortened if it alone is over the character budget.
    public mutating func append(_ turn: Turn, limits: SessionLimits) {
        turns.append(turn)
        updatedAt = turn.at
        trim(to: limits)
    }

    public mutating func trim(to limits: SessionLimits) {
        if turns.count > limits.maxTurns {
            turns.removeFirst(turns.count - limits.maxTurns)
        }
        var total = turns.reduce(0) { $0 + $1.question.count + $1.answer.count }
        while total > limits.maxCharacters, turns.count > 1 {
            let dropped = turns.removeFirst()
            total -= dropped.question.count + dropped.answer.count
        }
        if total > limits.maxCharacters, var only = turns.first {
            let half = max(limits.maxCharacters / 2, 1)
            only.question = String(only.question.suffix(half))
            only.answer = String(only.answer.prefix(max(limits.maxCharacters - only.question.count, 0)))
            turns[0] = only
        }
    }
}

/// Bounds on what a session keeps.
public struct SessionLimits: Sendable, Equatable {
    public var maxTurns: Int
    public var maxCharacters: Int
    /// Sessions idle for longer than this are deleted by the sweeper.
    public var idleTTL: Duration

    public init(maxTurns: Int = 10, maxCharacters: Int = 4000, idleTTL: Duration = .seconds(24 * 3600)) {
        self.maxTurns = maxTurns
        self.maxCharacters = maxCharacters
        self.idleTTL = idleTTL
    }
}
