/// A completion model that can hand out its answer while it is being generated (a remote model
/// streaming over SSE). The embedded retrieval model answers at once and does not conform.
///
/// Whatever a model streams is a draft: nothing reaches a user before the pipeline's
/// `SentenceGate` has checked it sentence by sentence (docs/models.md, "Streaming").
public protocol StreamingCompletionModel: CompletionModel {
    /// False when no part of this model streams (e.g. a fallback chain without a remote primary);
    /// the pipeline then takes the ordinary path.
    var streams: Bool { get }

    /// Answers like `complete`, and while the answer is generated calls `onDraft` with the
    /// answer so far, cleaned as `complete` would clean it (each call carries the whole text, not
    /// a delta). When `onDraft` throws, generation stops and the error is rethrown unchanged.
    func stream(
        _ request: CompletionRequest, onDraft: @escaping @Sendable (String) async throws -> Void
    ) async throws -> Completion
}
