import Foundation

/// Settings of the conversation pipeline.
public struct PipelineConfiguration: Sendable, Equatable {
    /// Longer messages get a polite reply instead of an answer.
    public var maxInputCharacters: Int
    public var sessionLimits: SessionLimits
    /// Time the model (the whole fallback chain) has to answer.
    public var modelBudget: Duration
    /// How long a session keeps the resource line after a crisis message.
    public var crisisCooldown: Duration
    /// How many earlier questions the safety layer sees, to notice risk building across turns.
    public var safetyContextTurns: Int
    public var promptFormat: PromptFormat
    /// A concern-tier reply includes the model's answer only when `Completion.onTopicConfidence`
    /// is at least this; otherwise the safety responder's supportive reply is sent.
    public var concernTopicConfidence = 0.75
    /// How many further messages may answer a safety question ("嗯" two messages later still does).
    public var safetyQuestionTurns = 2
    /// How long a safety question waits for its answer.
    public var safetyQuestionTTL: Duration = .seconds(30 * 60)
    /// Show a streaming model's answer while it is written, one checked sentence at a time, on
    /// channels that can show drafts (`model.stream`; off by default and never for the embedded
    /// retrieval model, which answers at once).
    public var streamReplies = false
    /// Handing conversations to human counsellors.
    public var handoff = HandoffConfiguration()

    public init(
        maxInputCharacters: Int = 2000,
        sessionLimits: SessionLimits = SessionLimits(),
        modelBudget: Duration = .seconds(12),
        crisisCooldown: Duration = .seconds(6 * 3600),
        safetyContextTurns: Int = 3,
        promptFormat: PromptFormat = .standard
    ) {
        self.maxInputCharacters = maxInputCharacters
        self.sessionLimits = sessionLimits
        self.modelBudget = modelBudget
        self.crisisCooldown = crisisCooldown
        self.safetyContextTurns = safetyContextTurns
        self.promptFormat = promptFormat
    }
}
