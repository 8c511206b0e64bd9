import ChatCore
import Foundation
import Logging
import ServiceLifecycle

/// Deletes sessions idle for longer than the TTL, periodically, until graceful shutdown.
struct SessionSweeperService: Service {
    let store: any SessionStore
    let ttl: Duration
    let interval: Duration
    let logger: Logger
    let now: @Sendable () -> Date

    func run() async throws {
        try await runPeriodically(every: interval, atStart: false) { await sweepOnce() }
    }

    func sweepOnce() async {
        do {
            let removed = try await store.sweep(idleSince: now().addingTimeInterval(-ttl.seconds))
            if removed > 0 { logger.info("expired sessions removed", metadata: ["session.expired": "\(removed)"]) }
        } catch {
            logger.error("session sweep failed", metadata: ["error.kind": "\(type(of: error))"])
        }
    }
}
