import Foundation

/// What the pipeline answers. `body` is the answer itself; the disclaimer and resource line are kept
/// apart so that an API client can show them separately, and `text` joins them for chat platforms.
public struct Reply: Sendable, Codable, Equatable {
    public enum Source: String, Sendable, Codable, CaseIterable {
        /// A fine-tuned or remote completion model.
        case model
        /// The embedded retrieval model.
        case retrieval
        /// The calm fixed reply used when every model failed or timed out.
        case fallback
        /// A crisis reply composed by the safety responder (the model was not called).
        case crisis
        /// A supportive concern reply composed by the safety responder; the model's answer was not
        /// confidently on topic and was not used. (A concern reply that does include an on-topic
        /// answer keeps `model` or `retrieval`, with the responder's lines around it.)
        case concern
        /// A model reply replaced by the output check.
        case outputReplaced
        /// A fixed reply: command, greeting, input check, unsupported message, rate limit…
        case fixed
        /// The safety layer refused the input (blocklist, abuse, moderation).
        case blocked
        /// The safety layer itself failed; a holding reply with hotlines was sent.
        case failSafe
        /// A counsellor has the conversation: the holding message as a handoff opens at the
        /// user's request, or (with `deliver` false and an empty body) a message recorded for the
        /// counsellor while the model stays silent.
        case handoff
    }

    public var body: String
    public var tier: SafetyTier
    public var source: Source
    /// Shown with the first reply of a session.
    public var disclaimer: String?
    /// A gentle line with support resources (concern tier, crisis mode).
    public var resourceLine: String?
    /// False when nothing should be sent to the user (e.g. an edited message in a group).
    public var deliver: Bool
    /// Retrieval: the answer used, its intent and category (what answer feedback is counted by).
    /// Absent in replies stored before they existed.
    public var answerID: String?
    public var intent: String?
    public var category: String?

    public init(
        body: String,
        tier: SafetyTier = .none,
        source: Source,
        disclaimer: String? = nil,
        resourceLine: String? = nil,
        deliver: Bool = true,
        answerID: String? = nil,
        intent: String? = nil,
        category: String? = nil
    ) {
        self.body = body
        self.tier = tier
        self.source = source
        self.disclaimer = disclaimer
        self.resourceLine = resourceLine
        self.deliver = deliver
        self.answerID = answerID
        self.intent = intent
        self.category = category
    }

    /// The whole message for a chat platform: answer, then resources, then the disclaimer.
    public var text: String {
        [body, resourceLine, disclaimer].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "\n\n")
    }
}
