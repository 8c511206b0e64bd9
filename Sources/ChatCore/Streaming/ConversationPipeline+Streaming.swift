import Foundation
import Logging
import Synchronization

/// Where checked drafts of a streamed answer go while the model is still writing (a Telegram
/// draft, a chunk of the mini-program's response). Each call carries the checked answer so far.
public typealias ReplyDraftSink = @Sendable (String) async -> Void

/// Streaming a model's answer (docs/models.md, "Streaming"). The model's drafts are cut at the
/// last finished sentence, and the answer up to there passes the output check before any of it
/// goes to `drafts`: no unchecked sentence is ever shown. The first sentence that fails stops the
/// model, and the check's safe reply replaces what was drafted. Only messages the safety layer
/// let through (`.allow`) stream; crisis and concern replies never reach this path.
extension ConversationPipeline {
    enum Streamed {
        case completed(Completion)
        /// A sentence failed the output check; `reply` is the check's safe reply.
        case refused(reason: String, reply: String)
        /// The output check itself failed: fail safe.
        case checkFailed
    }

    private struct Refused: Error {
        var reason: String
        var reply: String
    }

    private struct CheckFailed: Error {}

    /// The model to stream from: set when streaming is configured and the model really streams
    /// (a remote model; the embedded retrieval model answers at once and never does).
    var streamingModel: (any StreamingCompletionModel)? {
        guard configuration.streamReplies, let streaming = model as? any StreamingCompletionModel, streaming.streams else { return nil }
        return streaming
    }

    /// Streams the model's answer; checked drafts go to `drafts` from a child task of their own,
    /// newest first, so the model is never held up by a platform call (a sink may take its time:
    /// Telegram's paces itself to one draft a second) and a draft superseded meanwhile is skipped.
    /// The child is stopped before this returns: no draft is ever shown after the reply.
    func streamedCompletion(
        _ question: String, session: Session, input: SafetyInput, model: any StreamingCompletionModel,
        drafts: @escaping ReplyDraftSink, logger: Logger
    ) async -> Streamed {
        let (checked, outbox) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(1))
        return await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await draft in checked { await drafts(draft) }
            }
            let streamed = await streamChecked(question, session: session, input: input, model: model, outbox: outbox, logger: logger)
            outbox.finish()
            group.cancelAll()
            return streamed
        }
    }

    private func streamChecked(
        _ question: String, session: Session, input: SafetyInput, model: any StreamingCompletionModel,
        outbox: AsyncStream<String>.Continuation, logger: Logger
    ) async -> Streamed {
        let request = completionRequest(question, session: session, userHash: input.userHash, language: input.language)
        let shown = Mutex("")
        let safety = safety
        do {
            let completion = try await model.stream(request) { draft in
                let candidate = SentenceSplitter.finishedPrefix(of: draft).trimmingCharacters(in: .whitespacesAndNewlines)
                let previous = shown.withLock { $0 }
                // Nothing new finished, or the model's cleaning changed text already shown (the
                // final reply replaces the drafts then).
                guard candidate.count > previous.count, candidate.hasPrefix(previous) else { return }
                let verdict: OutputVerdict
                do {
                    verdict = try await safety.checkOutput(candidate, origin: .primary, for: input)
                } catch {
                    throw CheckFailed()
                }
                if case .replace(let reason, let reply) = verdict { throw Refused(reason: reason, reply: reply) }
                shown.withLock { $0 = candidate }
                outbox.yield(candidate)
            }
            if !completion.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return .completed(completion) }
            logger.warning("model returned an empty answer", metadata: ["model.name": "\(model.name)"])
        } catch let refused as Refused {
            return .refused(reason: refused.reason, reply: refused.reply)
        } catch is CheckFailed {
            return .checkFailed
        } catch {
            let kind = (error as? ModelError)?.kind ?? "unexpected"
            logger.warning("model failed; calm fallback", metadata: ["model.name": "\(model.name)", "error.kind": "\(kind)"])
        }
        return .completed(Completion(text: ReplyCatalog.text(.fallback, input.language), model: "fixed", origin: .fixed))
    }
}
