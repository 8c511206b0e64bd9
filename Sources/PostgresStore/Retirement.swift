import Synchronization

/// Set once when a pool generation is replaced (`PoolHolder.renew`). The generation's pool stops,
/// and requests still waiting for one of its connections fail at once, so that their callers retry
/// on the new pool instead of waiting for their deadline (docs/postgres.md, failover).
final class Retirement: Sendable {
    private struct State {
        var retired = false
        var next = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    /// Wakes every waiter, now and later.
    func retire() {
        let waiting = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.retired = true
            defer { s.waiters.removeAll() }
            return Array(s.waiters.values)
        }
        for waiter in waiting { waiter.resume() }
    }

    /// Returns once the generation is retired, or when the calling task is cancelled.
    func wait() async {
        let id = state.withLock { s -> Int in
            s.next += 1
            return s.next
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { s -> Bool in
                    if s.retired || Task.isCancelled { return true }
                    s.waiters[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}
