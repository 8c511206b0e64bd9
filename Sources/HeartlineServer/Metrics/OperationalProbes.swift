import ChatCore
import Foundation
import ModelBackends
import Storage

/// Inboxes that can count what waits for an answer (the embedded store's inbox).
public protocol InboxStatistics: Sendable {
    func stats() -> (pending: Int, oldest: Date?)
    /// Keys held (dedupe keys and kept replies): what bounds the inbox's memory.
    var keyCount: Int { get }
}

extension SQLiteInbox: InboxStatistics {}

/// What `/readyz` and `/metrics` look at just before answering: queue depth and age, inbox
/// backlog, and whether the primary model's circuit breaker is open.
struct OperationalProbes: Sendable {
    let queue: any WorkSource
    let inbox: any Inbox
    let model: any CompletionModel
    let readiness: Readiness
    let metrics: HeartlineMetrics
    let now: @Sendable () -> Date

    /// nil when there is no primary model (the embedded retrieval model answers alone).
    func circuitOpen() async -> Bool? {
        guard let chain = model as? FallbackChain, chain.primary != nil else { return nil }
        return await chain.breaker.isOpen
    }

    @Sendable func refreshReadiness() async {
        let open = await circuitOpen()
        readiness.note("model", open == true ? "degraded" : nil)
    }

    @Sendable func sampleGauges() async {
        let depth = await queue.depth()
        let oldest = await queue.oldestRecordedAt()
        let statistics = inbox as? any InboxStatistics
        let stats = statistics?.stats()
        let open = await circuitOpen()
        readiness.note("model", open == true ? "degraded" : nil)
        metrics.sample(queueDepth: depth, queueOldest: oldest, inboxPending: stats?.pending, inboxOldest: stats?.oldest, inboxKeys: statistics?.keyCount, circuitOpen: open, now: now())
    }
}
