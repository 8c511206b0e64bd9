import Synchronization

/// Group commit: concurrent callers share round trips. The first caller (up to `maxConcurrent` at
/// once) becomes a leader and flushes its own item together with everything queued behind it; when
/// the flush returns, every caller in the batch gets its result and the next queued caller, if any,
/// leads the following batch. Under light load a batch is one item and costs nothing extra.
///
/// The state is only touched under a lock that is never held across the flush (a network wait).
/// A caller still queued when its task is cancelled leaves the queue at once with
/// `CancellationError`; the flush itself is bounded by the caller's deadline (`PoolHolder.query`),
/// so a leader slot is never held for longer than one request may take.
final class Batcher<Item: Sendable, Output: Sendable>: Sendable {
    typealias Flush = @Sendable ([Item]) async throws -> [Output]

    private enum Signal: Sendable {
        case done(Output)
        case failed(any Error)
        case lead
    }

    private struct Waiting: Sendable {
        var ticket: UInt64
        var item: Item
        var continuation: CheckedContinuation<Signal, Never>
    }

    private struct State: Sendable {
        var queue: [Waiting] = []
        var leaders = 0
        var nextTicket: UInt64 = 0
    }

    private let state = Mutex(State())
    private let maxConcurrent: Int
    private let maxBatch: Int
    private let flush: Flush

    init(maxConcurrent: Int, maxBatch: Int, flush: @escaping Flush) {
        self.maxConcurrent = max(1, maxConcurrent)
        self.maxBatch = max(1, maxBatch)
        self.flush = flush
    }

    func submit(_ item: Item) async throws -> Output {
        let ticket: UInt64? = state.withLock { s in
            if s.leaders < maxConcurrent {
                s.leaders += 1
                return nil
            }
            s.nextTicket += 1
            return s.nextTicket
        }
        guard let ticket else { return try await lead(item) }
        let signal = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Signal, Never>) in
                // Checked under the lock: a cancellation that came first finds nothing to remove,
                // so the caller must not be queued at all.
                let cancelled = state.withLock { s -> Bool in
                    if Task.isCancelled { return true }
                    s.queue.append(Waiting(ticket: ticket, item: item, continuation: continuation))
                    return false
                }
                if cancelled { continuation.resume(returning: .failed(CancellationError())) }
            }
        } onCancel: {
            let removed = state.withLock { s -> Waiting? in
                guard let index = s.queue.firstIndex(where: { $0.ticket == ticket }) else { return nil }
                return s.queue.remove(at: index)
            }
            removed?.continuation.resume(returning: .failed(CancellationError()))
        }
        switch signal {
        case .done(let output): return output
        case .failed(let error): throw error
        case .lead: return try await lead(item)
        }
    }

    /// Flushes `first` together with what is queued; returns the leader's own result.
    private func lead(_ first: Item) async throws -> Output {
        let batch = state.withLock { s -> [Waiting] in
            let take = min(s.queue.count, maxBatch - 1)
            let batch = Array(s.queue.prefix(take))
            s.queue.removeFirst(take)
            return batch
        }
        let result: Result<[Output], any Error>
        do {
            let outputs = try await flush([first] + batch.map(\.item))
            precondition(outputs.count == batch.count + 1, "a batch flush must answer every item")
            result = .success(outputs)
        } catch {
            result = .failure(error)
        }
        // The next queued caller leads the following batch, or the leader slot is given back.
        let next = state.withLock { s -> Waiting? in
            if s.queue.isEmpty {
                s.leaders -= 1
                return nil
            }
            return s.queue.removeFirst()
        }
        next?.continuation.resume(returning: .lead)
        for (index, waiting) in batch.enumerated() {
            switch result {
            case .success(let outputs): waiting.continuation.resume(returning: .done(outputs[index + 1]))
            case .failure(let error): waiting.continuation.resume(returning: .failed(error))
            }
        }
        return try result.get()[0]
    }
}
