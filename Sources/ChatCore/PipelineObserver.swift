import Foundation

/// Outcomes the pipeline reports, for metrics. Carries no message text and no user identity.
public enum PipelineEvent: Sendable, Equatable {
    case replied(channel: ChatChannel, source: Reply.Source, tier: SafetyTier, latency: Duration)
    case safetyFailed(stage: String)
    case outputReplaced(reason: String)
    case storeFailed(operation: String)
    case crisis(channel: ChatChannel)
    /// A handoff opened (or opened again) for a counsellor.
    case handoffOpened(channel: ChatChannel, reason: Handoff.Reason)
    /// No counsellor answered within the timeout; the bot answers again.
    case handoffTimedOut(channel: ChatChannel)
    /// An answer was streamed as checked drafts (docs/models.md, "Streaming").
    case streamed(channel: ChatChannel, outcome: StreamOutcome)
}

/// How a streamed answer ended.
public enum StreamOutcome: String, Sendable, Equatable {
    /// The model finished; its answer was sent.
    case completed
    /// The model failed (or timed out) during the stream; the next model in the chain answered.
    case fellBack
    /// A sentence failed the output check: the model was stopped, the safe reply sent.
    case stopped
    /// The output check itself failed: the holding reply was sent.
    case failSafe
}

public protocol PipelineObserver: Sendable {
    func record(_ event: PipelineEvent)
}

/// An observer that ignores everything.
public struct NoPipelineObserver: PipelineObserver {
    public init() {}
    public func record(_ event: PipelineEvent) {}
}
