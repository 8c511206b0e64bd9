import ChatCore
import Synchronization

/// Streaming over SSE (docs/models.md, "Streaming"). Each draft is the answer so far, cleaned as
/// `complete` cleans it (escapes decoded, stop sequence cut) and refused as a whole when it fails
/// `ReplySanity`, so a chat-template token or a control character ends the call before the
/// sentence holding it could be checked and shown.
extension OpenAICompletionModel: StreamingCompletionModel {
    public var streams: Bool { true }

    /// Raised inside the draft callback when the text so far cannot be a reply.
    private struct Insane: Error {
        var problem: String
    }

    /// The raw text received and the last draft handed out, shared with the client's callback.
    private final class Progress: Sendable {
        let state = Mutex((raw: "", draft: ""))
    }

    public func stream(
        _ request: CompletionRequest, onDraft: @escaping @Sendable (String) async throws -> Void
    ) async throws -> Completion {
        guard !client.configuration.model.isEmpty else { throw ModelError.notConfigured }
        let (path, body) = requestBody(for: request, stream: true)
        let progress = Progress()
        let format = format
        do {
            let raw = try await client.stream(path, body: body, deadline: request.deadline) { piece in
                let draft: String? = progress.state.withLock { state in
                    state.raw += piece
                    let draft = format.answer(fromCompletion: UnicodeEscapes.decode(state.raw))
                    guard draft != state.draft else { return nil }
                    state.draft = draft
                    return draft
                }
                guard let draft else { return }
                if let problem = ReplySanity.problem(in: draft) { throw Insane(problem: problem) }
                try await onDraft(draft)
            }
            return try completion(fromRaw: raw)
        } catch let error as OpenAIClientError {
            throw error.modelError
        } catch let error as Insane {
            throw ModelError.invalidResponse(error.problem)
        }
    }
}
