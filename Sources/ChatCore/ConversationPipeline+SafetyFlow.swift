import Foundation
import Logging

/// The part of the conversation that depends on the safety verdict: a plain answer from the
/// model, or a concern reply from the safety responder (with the model's answer inside only when
/// it is confidently on topic), and the safety question the session waits an answer to.
extension ConversationPipeline {
    /// What a message is answered with, before the session and the disclaimer are applied.
    struct Outcome {
        var body: String
        var tier: SafetyTier
        var source: Reply.Source
        var resourceLine: String?
        var answerID: String?
        /// Retrieval: the intent and category of the answer (for answer feedback).
        var intent: String?
        var category: String?
        /// The safety question the body asks (kept as the session's pending question).
        var asked: SafetyQuestion?
    }

    /// No risk seen: the model's answer, through the output check. nil when the output check
    /// failed (the caller sends the holding reply).
    func modelOutcome(_ question: String, input: SafetyInput, session: Session, drafts: ReplyDraftSink?, logger: Logger) async -> Outcome? {
        let completion: Completion
        if let drafts, let streaming = streamingModel {
            switch await streamedCompletion(question, session: session, input: input, model: streaming, drafts: drafts, logger: logger) {
            case .completed(let streamed):
                observer.record(.streamed(channel: input.channel, outcome: streamed.origin == .primary ? .completed : .fellBack))
                completion = streamed
            case .refused(let reason, let replacement):
                observer.record(.streamed(channel: input.channel, outcome: .stopped))
                // A sentence failed the check: the stream stopped and the safe reply replaces
                // whatever was drafted.
                logger.warning("streamed reply stopped by output check", metadata: ["safety.output_reason": "\(reason)"])
                observer.record(.outputReplaced(reason: reason))
                return Outcome(body: replacement, tier: .none, source: .outputReplaced)
            case .checkFailed:
                observer.record(.streamed(channel: input.channel, outcome: .failSafe))
                logger.error("safety output check failed while streaming; sending holding reply")
                observer.record(.safetyFailed(stage: "output"))
                return nil
            }
        } else {
            completion = await complete(question, session: session, userHash: input.userHash, language: input.language, logger: logger)
        }
        var outcome = Outcome(
            body: completion.text, tier: .none, source: Self.source(of: completion), answerID: completion.answerID,
            intent: completion.intent, category: completion.category
        )
        do {
            if case .replace(let reason, let replacement) = try await safety.checkOutput(completion.text, origin: completion.origin, for: input) {
                logger.warning("model reply replaced by output check", metadata: ["safety.output_reason": "\(reason)"])
                observer.record(.outputReplaced(reason: reason))
                outcome.body = replacement
                outcome.source = .outputReplaced
                outcome.answerID = nil
                outcome.intent = nil
                outcome.category = nil
            }
        } catch {
            logger.error("safety output check failed; sending holding reply", metadata: ["error.kind": "\(type(of: error))"])
            observer.record(.safetyFailed(stage: "output"))
            return nil
        }
        return outcome
    }

    /// Concern tier: the responder's supportive reply, unless the model's answer is confidently on
    /// the same topic and passes the output check; then the answer is framed by the responder's
    /// opening line and follow-up question. Never the model's answer alone.
    func concernOutcome(
        _ response: SafetyResponse, question: String, input: SafetyInput, session: Session, askModel: Bool, logger: Logger
    ) async -> Outcome {
        let supportive = Outcome(
            body: response.body, tier: .concern, source: .concern, resourceLine: response.resourceLine, asked: response.question
        )
        guard askModel, let lead = response.lead else { return supportive }
        let completion = await complete(question, session: session, userHash: input.userHash, language: input.language, logger: logger)
        guard completion.origin != .fixed, !completion.isClarification,
              let confidence = completion.onTopicConfidence, confidence >= configuration.concernTopicConfidence
        else {
            logger.debug("concern: model answer not confidently on topic; supportive reply", metadata: ["model.name": "\(model.name)"])
            return supportive
        }
        do {
            if case .replace(let reason, _) = try await safety.checkOutput(completion.text, origin: completion.origin, for: input) {
                logger.warning("model reply failed the output check; supportive reply", metadata: ["safety.output_reason": "\(reason)"])
                observer.record(.outputReplaced(reason: reason))
                return supportive
            }
        } catch {
            // The responder's reply is fixed, vetted text: sending it is the safe choice.
            logger.error("safety output check failed; supportive reply", metadata: ["error.kind": "\(type(of: error))"])
            observer.record(.safetyFailed(stage: "output"))
            return supportive
        }
        let answer = completion.text.trimmingCharacters(in: .whitespacesAndNewlines)
        return Outcome(
            body: [lead, answer, response.followUp].compactMap { $0 }.joined(separator: "\n\n"),
            tier: .concern, source: Self.source(of: completion), resourceLine: response.resourceLine,
            answerID: completion.answerID, intent: completion.intent, category: completion.category,
            asked: response.followUp == nil ? nil : response.question
        )
    }

    /// The question the session waits for after this message: the one just asked; none when this
    /// message answered the last one; otherwise the last one, with one answering message fewer.
    func nextPendingQuestion(
        asked: SafetyQuestion?, answered: SafetyAnswer?, current: PendingSafetyQuestion?, at timestamp: Date
    ) -> PendingSafetyQuestion? {
        if let asked {
            return PendingSafetyQuestion(question: asked, askedAt: timestamp, turnsLeft: configuration.safetyQuestionTurns)
        }
        guard answered == nil, var current else { return nil }
        current.turnsLeft -= 1
        return current.turnsLeft > 0 ? current : nil
    }

    static func source(of completion: Completion) -> Reply.Source {
        switch completion.origin {
        case .primary: .model
        case .retrieval: .retrieval
        case .fixed: .fallback
        }
    }

    static func safetyMetadata(_ reasons: [String], _ response: SafetyResponse) -> Logger.Metadata {
        [
            "safety.reasons": "\(reasons.joined(separator: ","))",
            "safety.concepts": "\(response.concepts.map(\.rawValue).joined(separator: ","))",
            "safety.question": "\(response.question?.rawValue ?? "none")",
            "safety.answer": "\(response.answered?.rawValue ?? "none")",
        ]
    }
}
