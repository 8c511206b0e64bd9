import Foundation

/// A reply composed by the safety responder for a message at risk (crisis or concern tier). The
/// text is vetted fixed wording chosen by concept; it never repeats the user's words.
public struct SafetyResponse: Sendable, Equatable {
    /// The whole reply on its own. Crisis: acknowledgement, direct question, safety and means,
    /// hotlines, 110/120, invitation. Concern: acknowledgement, a gentle question, invitation.
    public var body: String
    /// Concern: the resource line, kept apart from `body` like every resource line.
    public var resourceLine: String?
    /// The yes/no question `body` asks, remembered by the session so a short "嗯" answers it.
    public var question: SafetyQuestion?
    /// Set when this message answered the session's pending question (and so clears it).
    public var answered: SafetyAnswer?
    /// The concepts the reply was composed from (for logs and tests; never text).
    public var concepts: [RiskConcept]
    /// Concern: the opening line put before a model answer that is confidently on topic.
    public var lead: String?
    /// Concern: the question put after such an answer (nil: none; then `question` is not asked).
    public var followUp: String?

    public init(
        body: String,
        resourceLine: String? = nil,
        question: SafetyQuestion? = nil,
        answered: SafetyAnswer? = nil,
        concepts: [RiskConcept] = [],
        lead: String? = nil,
        followUp: String? = nil
    ) {
        self.body = body
        self.resourceLine = resourceLine
        self.question = question
        self.answered = answered
        self.concepts = concepts
        self.lead = lead
        self.followUp = followUp
    }
}
