import Foundation

/// What the safety layer needs to judge a message.
public struct SafetyInput: Sendable {
    public var text: String
    public var userHash: UserHash
    public var channel: ChatChannel
    public var language: ReplyLanguage
    /// Earlier questions in this session, oldest first, so risk that builds across turns is seen.
    public var recentQuestions: [String]
    /// The yes/no question the last safety reply asked, still waiting an answer (nil: none).
    public var pendingQuestion: PendingSafetyQuestion?
    public var now: Date

    public init(
        text: String,
        userHash: UserHash,
        channel: ChatChannel,
        language: ReplyLanguage,
        recentQuestions: [String] = [],
        pendingQuestion: PendingSafetyQuestion? = nil,
        now: Date
    ) {
        self.text = text
        self.userHash = userHash
        self.channel = channel
        self.language = language
        self.recentQuestions = recentQuestions
        self.pendingQuestion = pendingQuestion
        self.now = now
    }
}

/// The safety layer's decision about an incoming message.
public enum InputVerdict: Sendable, Equatable {
    /// No risk seen: go ahead and ask the model.
    case allow
    /// Distress without a wish to die (or a calm "no" to a safety question). `response` is the
    /// supportive reply; the pipeline may put a model answer inside it only when the answer is
    /// confidently on the same topic, and never sends the model's answer alone.
    case concern(reasons: [String], response: SafetyResponse)
    /// Risk of harm: the model is not called; `response` (composed by concept, with a direct
    /// question and hotlines) is sent as it is.
    case crisis(reasons: [String], response: SafetyResponse)
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
    /// The output check for a reply from `origin`; by default the same as `checkOutput(_:for:)`
    /// (a second opinion on remote models' replies overrides it, see `ContentModerator`).
    func checkOutput(_ reply: String, origin: Completion.Origin, for input: SafetyInput) async throws -> OutputVerdict
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
