import ChatCore
import Foundation
import Logging

/// The local safety filter with a remote moderation service as a second opinion
/// (`safety.moderation`, docs/safety.md "Moderation second opinion").
///
/// The local verdict is always taken first and never lowered: the second opinion can only raise
/// a tier. On input, `self-harm/intent` or `self-harm/instructions` make a message a crisis (even
/// one the local layer refused, as a local crisis would be) and `self-harm` alone turns an allowed
/// message into a concern; a local crisis is not sent at all (nothing to raise). On
/// output, only replies of the remote model (`Completion.Origin.primary`) are sent — the
/// retrieval corpus and fixed replies are the project's own vetted text — and any self-harm
/// category replaces the reply with the safe reply.
///
/// Every call is bounded by `budget`. When the service fails or is late, input goes on with the
/// local verdict alone (the detector that always runs), while a remote model's reply is not
/// shown: it is replaced by the holding reply, because the operator asked for replies to be
/// checked twice and an unchecked generative reply is the risk this guards against.
public final class ModeratedSafetyFilter: SafetyFilter {
    let base: any SafetyFilter
    let moderator: any ContentModerator
    let budget: Duration
    let responder = SafetyResponder()
    public let counters: SafetyCounters
    /// Told of every check: stage (`input`, `output`) and outcome (`clear`, `flagged`, `error`,
    /// `timeout`), for metrics.
    let onCheck: @Sendable (_ stage: String, _ outcome: String) -> Void
    let logger: Logger

    public init(
        base: any SafetyFilter, moderator: any ContentModerator, budget: Duration, counters: SafetyCounters = SafetyCounters(),
        logger: Logger = Logger(label: "heartline.safety.moderation"),
        onCheck: @escaping @Sendable (_ stage: String, _ outcome: String) -> Void = { _, _ in }
    ) {
        self.base = base
        self.moderator = moderator
        self.budget = budget
        self.counters = counters
        self.logger = logger
        self.onCheck = onCheck
    }

    public func assessInput(_ input: SafetyInput) async throws -> InputVerdict {
        let local = try await base.assessInput(input)
        if case .crisis = local { return local }
        guard let result = await secondOpinion(input.text, stage: "input") else { return local }
        return Self.raise(local, by: result, language: input.language, responder: responder, counters: counters)
    }

    /// The verdict after the second opinion: never lower than `local`.
    static func raise(
        _ local: InputVerdict, by result: ModerationResult, language: ReplyLanguage, responder: SafetyResponder, counters: SafetyCounters
    ) -> InputVerdict {
        let reasons = result.flaggedCategories.map { "moderation." + $0 }
        if result.selfHarmIntent || result.selfHarmInstructions {
            var concepts: Set<RiskConcept> = []
            if result.selfHarmIntent { concepts.insert(.suicidalThought) }
            if result.selfHarmInstructions { concepts.insert(.methodQuestion) }
            var response = responder.crisis(concepts, language: language)
            if case .concern(_, let earlier) = local { response.answered = earlier.answered }
            counters.increment("moderation.raised.crisis")
            return .crisis(reasons: reasons, response: response)
        }
        // Like the local layer's own order: only a crisis wins over a refusal (blocklist, spam,
        // abuse, rate limit); a concern does not.
        guard result.selfHarm, case .allow = local else { return local }
        counters.increment("moderation.raised.concern")
        return .concern(reasons: reasons, response: responder.concern([.selfHarm], language: language))
    }

    public func checkOutput(_ reply: String, for input: SafetyInput) async throws -> OutputVerdict {
        try await base.checkOutput(reply, for: input)
    }

    public func checkOutput(_ reply: String, origin: Completion.Origin, for input: SafetyInput) async throws -> OutputVerdict {
        let local = try await base.checkOutput(reply, origin: origin, for: input)
        guard case .pass = local, origin == .primary else { return local }
        guard let result = await secondOpinion(reply, stage: "output") else {
            counters.increment("moderation.output.unchecked_replaced")
            return .replace(reason: "moderation_unavailable", reply: ReplyCatalog.text(.holding, input.language))
        }
        guard result.anySelfHarm else { return .pass }
        counters.increment("output.replaced.moderation")
        logger.warning("model reply flagged by moderation; replaced", metadata: ["moderation.categories": "\(result.flaggedCategories.joined(separator: ","))"])
        return .replace(reason: "moderation", reply: SafetyReplies.outputReplacement(input.language))
    }

    /// The service's verdict within the budget, or nil when it failed or was late (counted and
    /// logged by kind; never the text).
    func secondOpinion(_ text: String, stage: String) async -> ModerationResult? {
        let started = ContinuousClock.now
        let deadline = started + budget
        let moderator = self.moderator
        let outcome: Result<ModerationResult, any Error>? = await withTaskGroup(of: Result<ModerationResult, any Error>?.self) { group in
            group.addTask {
                do { return .success(try await moderator.moderate(text, deadline: deadline)) } catch { return .failure(error) }
            }
            group.addTask {
                // The budget is a hard limit even for a moderator that ignores its deadline.
                try? await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        let elapsed = (ContinuousClock.now - started).milliseconds
        switch outcome {
        case .success(let result)?:
            counters.increment("moderation.\(stage).\(result.anySelfHarm ? "flagged" : "clear")")
            onCheck(stage, result.anySelfHarm ? "flagged" : "clear")
            logger.debug("moderation answered", metadata: ["moderation.stage": "\(stage)", "moderation.latency_ms": "\(elapsed)"])
            return result
        case .failure(let error)?:
            counters.increment("moderation.\(stage).error")
            onCheck(stage, "error")
            logger.warning("moderation failed", metadata: ["moderation.stage": "\(stage)", "error.kind": "\(Self.kind(of: error))", "moderation.latency_ms": "\(elapsed)"])
            return nil
        case nil:
            counters.increment("moderation.\(stage).timeout")
            onCheck(stage, "timeout")
            logger.warning("moderation over budget", metadata: ["moderation.stage": "\(stage)", "moderation.budget_ms": "\(budget.milliseconds)"])
            return nil
        }
    }

    static func kind(of error: any Error) -> String {
        (error as? ModelError)?.kind ?? String(describing: type(of: error))
    }

    public func resourceLine(for language: ReplyLanguage) -> String { base.resourceLine(for: language) }
    public func crisisRaised(_ event: CrisisEvent) async { await base.crisisRaised(event) }
    public func forget(_ user: UserHash) async { await base.forget(user) }
}
