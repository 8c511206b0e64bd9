import ChatCore
import Foundation
import Logging
import ServiceLifecycle
import Storage

/// Looks after the embedded store while the server runs:
/// - stops the process when a commit failed (the error is thrown, the service group ends and
///   `serve` exits non-zero; the next start recovers from the database), so that nothing is
///   answered from a state that is not on disk;
/// - prunes expired dedupe ids and kept replies in small batches every `interval`, between
///   requests, never inside one.
/// Listed before the workers, so it stops after them.
struct StoreMaintenanceService: Service {
    let store: SQLiteStore
    let interval: Duration
    let logger: Logger

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await failure in store.failures { throw failure }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try await Task.sleep(for: interval)
                        await pruneExpired()
                    }
                }
                try await group.next()
                group.cancelAll()
            }
        }
        try? store.checkpoint()
    }

    /// Deletes expired rows batch by batch until none is left, yielding between batches.
    func pruneExpired() async {
        var total = 0
        do {
            while !Task.isCancelled {
                let removed = try await store.pruneOnce()
                total += removed
                if removed == 0 { break }
                try await Task.sleep(for: .milliseconds(10))
            }
        } catch {
            logger.error("store pruning failed", metadata: ["error": "\(error)"])
        }
        if total > 0 { logger.info("expired dedupe ids and replies pruned", metadata: ["store.pruned": "\(total)"]) }
    }
}
