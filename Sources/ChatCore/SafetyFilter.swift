import Foundation

/// What the safety layer needs to judge a message.
public struct SafetyInput: Sendable {
    public var text: String
    public var userHash: UserHash
    public var channel: ChatChannel
    public var language: ReplyLanguage
    /// Earlier questions in this session, oldest first, so risk that builds across turns is seen.
    public var recentQuestions: [String]
    public var now: Date

    public init(
        text: String,
        userHash: UserHash,
        channel: ChatChannel,
        language: ReplyLanguage,
        recentQuestions: [String] = [],
        now: Date
    ) {
        self.text = text
        self.userHash = userHash
        self.channel = channel
        self.language = language
        self.recentQuestions = recentQuestions
        self.now = now
    }
}

/// The safety layer's decision about an incoming message.
public enum InputVerdict: Sendable, Equatable {
    /// Go ahead and ask the model. With tier `.concern`, `resourceLine` is appended to the answer.
    case allow(tier: SafetyTier, reasons: [String], resourceLine: String?)
    /// Risk of harm: the model is not called; `reply` (warm template with hotlines) is sent.
    case crisis(reasons: [String], reply: String)
    /// Refused (blocklist, abuse, spam, rate limit, moderation); `reply` is a polite refusal.
    case blocked(reason: String, reply: String)
}

/// The safety layer's decision about a model's reply.
public enum OutputVerdict: Sendable, Equatable {
    case pass
    /// The reply must not be shown; `reply` is shown instead.
    case replace(reason: String, reply: String)
}

/// A crisis seen by the pipeline, for the operator alert. Carries no message text.
public struct CrisisEvent: Sendable, Equatable {
    public var userHash: UserHash
    public var channel: ChatChannel
    public var tier: SafetyTier
    public var reasons: [String]
    public var at: Date

    public init(userHash: UserHash, channel: ChatChannel, tier: SafetyTier, reasons: [String], at: Date) {
        self.userHash = userHash
        self.channel = channel
        self.tier = tier
        self.reasons = reasons
        self.at = at
    }
}

/// The safety port. A failing implementation makes the pipeline fail safe: the user gets a
/// supportive holding reply with hotlines, never silence and never unchecked model output.
public protocol SafetyFilter: Sendable {
    func assessInput(_ input: SafetyInput) async throws -> InputVerdict
    func checkOutput(_ reply: String, for input: SafetyInput) async throws -> OutputVerdict
    /// The resource line added to replies while a session is in crisis mode.
    func resourceLine(for language: ReplyLanguage) -> String
    /// Called once per crisis message (operator alerts, metrics). Must not throw or block for long.
    func crisisRaised(_ event: CrisisEvent) async
    /// Forgets per-user state (rate-limit buckets…) for `/forget`.
    func forget(_ user: UserHash) async
}

extension SafetyFilter {
    public func crisisRaised(_ event: CrisisEvent) async {}
    public func forget(_ user: UserHash) async {}
}
