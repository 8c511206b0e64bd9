import ChatCore
import Foundation
import Logging
import ServiceLifecycle

/// Deletes answer feedback older than `feedback.retentionDays`, periodically, until graceful
/// shutdown: votes carry no text, but they are still a record of a user's use, kept only as long
/// as the operator said.
struct FeedbackSweeperService: Service {
    let store: any FeedbackStore
    let retention: Duration
    let interval: Duration
    let logger: Logger
    let now: @Sendable () -> Date

    func run() async throws {
        try await runPeriodically(every: interval, atStart: true) { await sweepOnce() }
    }

    func sweepOnce() async {
        do {
            let removed = try await store.prune(votedBefore: now().addingTimeInterval(-retention.seconds))
            if removed > 0 { logger.info("old answer feedback removed", metadata: ["feedback.expired": "\(removed)"]) }
        } catch {
            logger.error("feedback sweep failed", metadata: ["error.kind": "\(type(of: error))"])
        }
    }
}
