import Foundation

/// A yes/no question a safety reply asks. Every case is asked so that "yes" means more risk, so a
/// short "嗯 / 有 / yes" answering it can be read without reading the question again. The raw
/// values are stored in sessions; never rename one.
public enum SafetyQuestion: String, Sendable, Codable, CaseIterable {
    /// "你现在有想过结束自己的生命吗？" — the direct question of a risk check.
    case suicidalThoughts = "suicidal_thoughts"
    /// "你问这个，是在考虑伤害自己吗？" — asked after a question about a method, a dose or a place.
    case methodIntent = "method_intent"
    /// Whether there is a plan or preparation, asked once thoughts of suicide are confirmed.
    case plan
    /// Whether the person means to act on a stated plan or preparation.
    case intent
    /// Whether the person has already hurt themselves or taken something (attempt, self-harm).
    case injured
    /// Whether the person means to actually hurt someone else.
    case harmOthers = "harm_others"
    /// The gentle screening question of a concern reply ("有时候人难受到这个地步，会冒出不想活的念头…").
    case screening
}

/// How a message answered a pending safety question.
public enum SafetyAnswer: String, Sendable, Codable {
    case yes
    case no
}

/// The safety question a session is waiting an answer to. It is forgotten once answered, after
/// `turnsLeft` further messages, or when it is older than the pipeline's time limit, so an old
/// question never turns a later "嗯" into an alarm.
public struct PendingSafetyQuestion: Sendable, Codable, Equatable {
    public var question: SafetyQuestion
    public var askedAt: Date
    /// Further messages that may still answer it.
    public var turnsLeft: Int

    public init(question: SafetyQuestion, askedAt: Date, turnsLeft: Int) {
        self.question = question
        self.askedAt = askedAt
        self.turnsLeft = turnsLeft
    }

    /// Whether it may still be answered at `now`.
    public func isLive(at now: Date, ttl: Duration) -> Bool {
        turnsLeft > 0 && now.timeIntervalSince(askedAt) <= ttl.seconds
    }
}
