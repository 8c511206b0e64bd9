import Synchronization

/// Hands the checked drafts of a streamed answer from the worker that writes it to a synchronous
/// caller that shows them as they pass (the mini-program's chunked `ask`). The caller listens
/// before it submits the message; the worker finishes the drafts before the reply is released, so
/// a listener sees every draft, then the end, then (through `ReplyWaiters`) the reply.
public final class ReplyDraftBoard: Sendable {
    private let listeners = Mutex<[String: AsyncStream<String>.Continuation]>([:])

    public init() {}

    /// Drafts of the answer to inbox entry `id`. Only the newest unread draft is kept: each one
    /// carries the whole checked answer so far.
    public func listen(_ id: String) -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let replaced = listeners.withLock { listeners in
            defer { listeners[id] = continuation }
            return listeners[id]
        }
        replaced?.finish()
        return stream
    }

    /// Where the worker sends drafts for entry `id`; nil when nobody listens (then the answer is
    /// not streamed at all).
    public func sink(for id: String) -> ReplyDraftSink? {
        guard listeners.withLock({ $0[id] != nil }) else { return nil }
        return { text in
            _ = self.listeners.withLock { $0[id] }?.yield(text)
        }
    }

    /// No more drafts for `id` (the answer is ready, or the listener left).
    public func finish(_ id: String) {
        listeners.withLock { $0.removeValue(forKey: id) }?.finish()
    }
}
