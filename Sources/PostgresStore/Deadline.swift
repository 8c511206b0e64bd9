import ChatCore
import Synchronization

/// Runs `body` for at most `timeout`: when the time is up `body` is cancelled, `onTimeout` runs
/// (it breaks what `body` waits on, such as closing its connection), and `StoreError.unavailable`
/// is thrown at once. Cancelling the caller cancels `body` and throws `CancellationError` at once.
///
/// Every database wait goes through this: a request to a database that is restarting or
/// unreachable must fail within a bounded time, so that no caller, and nothing it holds (a claim
/// in progress, a batch of waiting callers, a draining worker), stays stuck behind it.
///
/// Why `body` runs in a task of its own rather than in a task group: a group returns only after
/// every child has returned, so a child parked in a wait that ignores cancellation would hold
/// the caller anyway. PostgresNIO has such waits (a statement already written to a connection
/// waits for that connection's answer or its close). Here the caller is released when the time is
/// up; the abandoned task ends when its wait does (the closed connection ends it).
func withDeadline<T: Sendable>(
    _ timeout: Duration, _ what: @autoclosure () -> String,
    onTimeout: @escaping @Sendable () async -> Void = {},
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let description = what()
    let race = DeadlineRace<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            race.start(
                continuation,
                body: Task {
                    do {
                        race.finish(.success(try await body()))
                    } catch {
                        race.finish(.failure(error))
                    }
                },
                timer: Task {
                    do {
                        try await Task.sleep(for: timeout)
                    } catch {
                        return  // the body finished first (or the caller was cancelled)
                    }
                    if race.finish(.failure(StoreError.unavailable("\(description): no answer from PostgreSQL within \(timeout)"))) {
                        await onTimeout()
                    }
                }
            )
        }
    } onCancel: {
        race.finish(.failure(CancellationError()))
    }
}

/// The one-shot state of `withDeadline`: whichever of body, timer or cancellation finishes first
/// resumes the caller and cancels the other two.
private final class DeadlineRace<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var body: Task<Void, Never>?
        var timer: Task<Void, Never>?
        /// A result that came before `start` (cancellation of the caller).
        var early: Result<T, any Error>?
        var done = false
    }

    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<T, any Error>, body: Task<Void, Never>, timer: Task<Void, Never>) {
        let early = state.withLock { s -> Result<T, any Error>? in
            s.body = body
            s.timer = timer
            if let early = s.early { return early }
            s.continuation = continuation
            return nil
        }
        if let early {
            body.cancel()
            timer.cancel()
            continuation.resume(with: early)
        }
    }

    /// Returns true when this call decided the outcome.
    @discardableResult
    func finish(_ result: Result<T, any Error>) -> Bool {
        let decided = state.withLock { s -> (CheckedContinuation<T, any Error>?, Task<Void, Never>?, Task<Void, Never>?)? in
            guard !s.done else { return nil }
            s.done = true
            guard let continuation = s.continuation else {
                s.early = result
                return (nil, s.body, s.timer)
            }
            s.continuation = nil
            return (continuation, s.body, s.timer)
        }
        guard let (continuation, body, timer) = decided else { return false }
        body?.cancel()
        timer?.cancel()
        continuation?.resume(with: result)
        return true
    }
}
