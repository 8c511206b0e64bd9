import Foundation
import Dispatch
import Synchronization

/// Group commit: callers hand over work items and wait; a single background thread takes every
/// item that has accumulated, performs them as one batch (one write, one fsync) and then resumes
/// all callers with the batch's result. Durability costs one fsync per batch, not per message.
///
/// The blocking file I/O runs on a dedicated serial dispatch queue, never on Swift's cooperative
/// thread pool.
final class GroupCommitter<Item: Sendable>: Sendable {
    typealias Batch = [Item]
    private struct Waiting {
        var item: Item
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var pending: [Waiting] = []
        var flushing = false
    }

    private let state = Mutex(State())
    private let queue: DispatchQueue
    private let commit: @Sendable (Batch) throws -> Void

    /// `commit` performs one batch durably; it runs on the committer's own queue.
    init(label: String, commit: @escaping @Sendable (Batch) throws -> Void) {
        self.queue = DispatchQueue(label: label)
        self.commit = commit
    }

    /// Returns once `item` has been committed as part of a batch, or throws the batch's error.
    func submit(_ item: Item) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let startFlusher = state.withLock { s -> Bool in
                s.pending.append(Waiting(item: item, continuation: continuation))
                guard !s.flushing else { return false }
                s.flushing = true
                return true
            }
            if startFlusher { queue.async { self.drain() } }
        }
    }

    /// Runs `body` on the committer's queue between batches (compaction, maintenance).
    func exclusive<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try body() })
            }
        }
    }

    private func drain() {
        while true {
            let batch = state.withLock { s -> [Waiting]? in
                if s.pending.isEmpty {
                    s.flushing = false
                    return nil
                }
                defer { s.pending.removeAll(keepingCapacity: true) }
                return s.pending
            }
            guard let batch else { return }
            let result = Result { try commit(batch.map(\.item)) }
            for waiting in batch { waiting.continuation.resume(with: result) }
        }
    }
}
