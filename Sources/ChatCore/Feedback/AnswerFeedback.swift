import Foundation

/// One user's 👍/👎 on one answer. It names the answer by what produced it (source, tier, the
/// retrieval answer, intent and category) and never holds the question or the answer text: the
/// report says which answers fail without keeping what anyone wrote.
public struct AnswerFeedback: Sendable, Equatable, Codable {
    public enum Vote: String, Sendable, Codable, CaseIterable {
        case up, down
    }

    /// Why an answer was rated down; a fixed set, so no free text is ever stored.
    public enum Reason: String, Sendable, Codable, CaseIterable {
        case offTopic = "off_topic"
        case notHelpful = "not_helpful"
        case unsafe
        case other
    }

    public var user: UserHash
    /// Names the answer (a keyed hash, the same for every copy of one answer); with `user`, the
    /// key of the vote: a second vote on the same answer replaces the first.
    public var replyKey: String
    public var vote: Vote
    public var reason: Reason?
    public var answer: RatedAnswer
    public var votedAt: Date

    public init(user: UserHash, replyKey: String, vote: Vote, reason: Reason?, answer: RatedAnswer, votedAt: Date) {
        self.user = user
        self.replyKey = replyKey
        self.vote = vote
        self.reason = reason
        self.answer = answer
        self.votedAt = votedAt
    }
}

/// What the report needs to know about a rated answer: where it came from, never what it said.
public struct RatedAnswer: Sendable, Equatable, Codable {
    public var source: Reply.Source
    public var tier: SafetyTier
    public var channel: ChatChannel
    /// Retrieval: the answer used (e.g. `insomnia_racing_thoughts#2`), its intent and category.
    public var answerID: String?
    public var intent: String?
    public var category: String?
    public var answeredAt: Date

    public init(
        source: Reply.Source, tier: SafetyTier, channel: ChatChannel, answerID: String? = nil, intent: String? = nil,
        category: String? = nil, answeredAt: Date
    ) {
        self.source = source
        self.tier = tier
        self.channel = channel
        self.answerID = answerID
        self.intent = intent
        self.category = category
        self.answeredAt = answeredAt
    }
}

/// Votes counted by everything the report groups on (one row of `FeedbackStore.tallies`).
public struct FeedbackTally: Sendable, Equatable, Codable {
    public var source: String
    public var tier: String
    public var answerID: String?
    public var intent: String?
    public var category: String?
    public var vote: String
    public var reason: String?
    public var count: Int

    public init(
        source: String, tier: String, answerID: String?, intent: String?, category: String?, vote: String, reason: String?, count: Int
    ) {
        self.source = source
        self.tier = tier
        self.answerID = answerID
        self.intent = intent
        self.category = category
        self.vote = vote
        self.reason = reason
        self.count = count
    }
}

/// Durable answer feedback. Implementations: the embedded SQLite store and PostgreSQL. Every
/// method commits before it returns.
public protocol FeedbackStore: Sendable {
    /// Stores a vote, replacing the user's earlier vote on the same answer.
    func record(_ feedback: AnswerFeedback) async throws
    /// Deletes every vote of the user (`/forget`).
    func delete(_ user: UserHash) async throws
    /// Deletes votes cast before `cutoff` (`feedback.retentionDays`); returns how many.
    func prune(votedBefore cutoff: Date) async throws -> Int
    /// Votes cast at or after `since`, counted by source, tier, answer, intent, category, vote
    /// and reason.
    func tallies(since: Date) async throws -> [FeedbackTally]
}
