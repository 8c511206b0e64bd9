import Foundation

/// What a moderation service said about one text, reduced to the categories Heartline acts on
/// (docs/safety.md, "Moderation second opinion").
public struct ModerationResult: Sendable, Equatable {
    /// Content about self-harm in general (including news, fiction, a third person).
    public var selfHarm: Bool
    /// The writer says they intend to harm themselves (suicide, cutting…).
    public var selfHarmIntent: Bool
    /// The text asks for or gives instructions for self-harm.
    public var selfHarmInstructions: Bool

    public init(selfHarm: Bool = false, selfHarmIntent: Bool = false, selfHarmInstructions: Bool = false) {
        self.selfHarm = selfHarm
        self.selfHarmIntent = selfHarmIntent
        self.selfHarmInstructions = selfHarmInstructions
    }

    public var anySelfHarm: Bool { selfHarm || selfHarmIntent || selfHarmInstructions }

    /// The categories flagged, for logs and reasons (`self-harm/intent`…); never text.
    public var flaggedCategories: [String] {
        [(selfHarm, "self-harm"), (selfHarmIntent, "self-harm/intent"), (selfHarmInstructions, "self-harm/instructions")]
            .filter(\.0).map(\.1)
    }
}

/// A remote moderation service used as a second opinion beside the local detector (e.g.
/// OpenAI's `/v1/moderations`). It may throw or be slow; the caller bounds it with a budget.
public protocol ContentModerator: Sendable {
    /// A name for logs and metrics, e.g. `openai:omni-moderation-latest`.
    var name: String { get }
    func moderate(_ text: String, deadline: ContinuousClock.Instant) async throws -> ModerationResult
}

extension SafetyFilter {
    /// The output check when the caller knows where the reply came from. A filter with a second
    /// opinion for remote models (`ModeratedSafetyFilter`) uses `origin`; every other filter runs
    /// its usual check.
    public func checkOutput(_ reply: String, origin: Completion.Origin, for input: SafetyInput) async throws -> OutputVerdict {
        try await checkOutput(reply, for: input)
    }
}
