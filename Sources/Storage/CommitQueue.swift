import ChatCore
import Dispatch
import GRDB
import Synchronization

/// Group commit on SQLite's single writer connection: every change submitted while a commit is
/// running waits, and the next round applies all of them in ONE transaction and one WAL sync, so
/// that many users' answers share the cost of a durable commit.
///
/// A failed transaction is fatal: the queue refuses everything afterwards and reports the error
/// once through `onFatal`, so the process stops and recovers from the database at the next
/// start instead of answering from a state that is not on disk.
final class CommitQueue: Sendable {
    typealias Change = @Sendable (Database) throws -> Void

    private struct Job {
        let change: Change
        let done: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var jobs: [Job] = []
        var running = false
        var failure: StoreError?
        var commits = 0
    }

    private let writer: DatabasePool
    private let state = Mutex(State())
    private let onFatal: @Sendable (StoreError) -> Void
    /// Runs inside every transaction just before COMMIT; a throw fails the commit (fault injection).
    private let beforeCommit: (@Sendable () throws -> Void)?
    /// Called every `checkpointEvery` commits, off the commit path.
    private let onCheckpointDue: @Sendable () -> Void
    private let checkpointEvery: Int

    init(
        writer: DatabasePool,
        checkpointEvery: Int = 256,
        beforeCommit: (@Sendable () throws -> Void)?,
        onCheckpointDue: @escaping @Sendable () -> Void,
        onFatal: @escaping @Sendable (StoreError) -> Void
    ) {
        self.writer = writer
        self.checkpointEvery = max(1, checkpointEvery)
        self.beforeCommit = beforeCommit
        self.onCheckpointDue = onCheckpointDue
        self.onFatal = onFatal
    }

    /// The error that stopped the queue, if any.
    var failure: StoreError? { state.withLock { $0.failure } }

    /// Applies `body` in the next group transaction and returns its result once it is durable.
    func commit<T: Sendable>(returning body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let box = ResultBox<T>()
        try await commit { db in
            let result = try body(db)
            box.value.withLock { $0 = result }
        }
        guard let value = box.value.withLock({ $0 }) else { throw StoreError.unavailable("commit produced no result") }
        return value
    }

    /// Applies `change` in the next group transaction and returns once it is durable.
    func commit(_ change: @escaping Change) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            let outcome = state.withLock { s -> (start: Bool, refused: StoreError?) in
                if let failure = s.failure { return (false, failure) }
                s.jobs.append(Job(change: change, done: done))
                if s.running { return (false, nil) }
                s.running = true
                return (true, nil)
            }
            if let refused = outcome.refused {
                done.resume(throwing: refused)
            } else if outcome.start {
                writer.asyncWriteWithoutTransaction { db in self.drain(db) }
            }
        }
    }

    /// Commits rounds until no job is waiting. Runs on the writer's serial queue.
    private func drain(_ db: Database) {
        while true {
            let batch = state.withLock { s -> [Job]? in
                guard !s.jobs.isEmpty, s.failure == nil else {
                    s.running = false
                    return nil
                }
                defer { s.jobs.removeAll(keepingCapacity: true) }
                return s.jobs
            }
            guard let batch else { return }
            do {
                try db.inTransaction(.immediate) {
                    for job in batch { try job.change(db) }
                    try beforeCommit?()
                    return .commit
                }
            } catch {
                fail(StoreError.unavailable("commit failed: \(error)"), batch: batch)
                return
            }
            for job in batch { job.done.resume() }
            let due = state.withLock { s -> Bool in
                s.commits += 1
                return s.commits % checkpointEvery == 0
            }
            if due { onCheckpointDue() }
        }
    }

    private func fail(_ error: StoreError, batch: [Job]) {
        let waiting = state.withLock { s -> [Job] in
            s.failure = s.failure ?? error
            s.running = false
            defer { s.jobs.removeAll() }
            return s.jobs
        }
        for job in batch + waiting { job.done.resume(throwing: error) }
        onFatal(error)
    }
}

/// Carries a value out of a change that runs on the writer queue.
private final class ResultBox<T: Sendable>: Sendable {
    let value = Mutex<T?>(nil)
}
