import ChatCore
import Foundation
import Logging
import PostgresNIO

/// Hands workers entries claimed from `heartline_inbox`, so that any number of instances share
/// the work and no two of them answer the same user at the same time.
///
/// A claim takes, in one statement, up to `claimBatch` entries that are each the oldest unanswered
/// entry of their user while no entry of that user is under an unexpired lease
/// (`FOR UPDATE SKIP LOCKED`: concurrent claimers skip each other's rows instead of waiting), and
/// leases them to this instance. Leases are renewed while held; a dead instance stops renewing
/// and its entries become claimable when the lease runs out.
///
/// No polling loop: a claim runs only when a worker is idle and something suggests there is work
/// (a local submit, a `heartline_work` notification, the store's slow fallback tick, or the last
/// claim coming back full).
public actor PostgresWorkSource: WorkSource {
    private enum Wake: Sendable {
        case entry(InboxEntry)
        case retry
        case closed
    }

    private let pool: PoolHolder
    private let configuration: PostgresStoreConfiguration
    private let instanceID: String
    private let capacity: Int
    private let logger: Logger
    private let queryLogger: Logger

    /// Claimed, not yet handed to a worker.
    private var buffer: [InboxEntry] = []
    private var bufferHead = 0
    /// Handed to a worker, not yet finished (their leases are renewed).
    private var inFlight: Set<String> = []
    private var idle: [CheckedContinuation<Wake, Never>] = []
    private var claiming = false
    /// Something may be claimable since the last claim started.
    private var dirty = true
    private var closed = false
    private var pendingEstimate = 0
    private var failures = 0

    init(
        pool: PoolHolder, configuration: PostgresStoreConfiguration, instanceID: String, capacity: Int,
        logger: Logger, queryLogger: Logger
    ) {
        self.pool = pool
        self.configuration = configuration
        self.instanceID = instanceID
        self.capacity = capacity
        self.logger = logger
        self.queryLogger = queryLogger
    }

    public func hasRoom() -> Bool { !closed && pendingEstimate < capacity }

    /// The entry is already in the table; this only tells the claimer to look.
    public func submit(_ entry: InboxEntry) {
        pendingEstimate += 1
        wake()
    }

    public func next() async -> InboxEntry? {
        while true {
            if let entry = takeBuffered() { return entry }
            if closed { return nil }
            if !claiming, dirty, pool.isHealthy {
                await claim(limit: min(configuration.claimBatch, idle.count + 1))
                continue
            }
            switch await withCheckedContinuation({ idle.append($0) }) {
            case .entry(let entry): return entry
            case .retry: continue
            case .closed: return nil
            }
        }
    }

    public func finished(_ entry: InboxEntry) {
        inFlight.remove(entry.id)
        if closed, inFlight.isEmpty, buffered == 0 { wakeAll(.closed) }
    }

    public func close() {
        closed = true
        if buffered == 0 { wakeAll(.closed) }
    }

    public func depth() -> Int { max(pendingEstimate, buffered) }

    /// Something may be claimable: let an idle worker claim it.
    func wake() {
        dirty = true
        if !claiming, !closed, !idle.isEmpty { idle.removeFirst().resume(returning: .retry) }
    }

    /// Whether a worker waits for work here (otherwise a new message should wake other instances).
    var hasIdleWorker: Bool { !idle.isEmpty && !closed }

    /// Entries claimed by this instance and not finished (tests, metrics).
    var held: Int { buffered + inFlight.count }

    // MARK: Claiming

    private var buffered: Int { buffer.count - bufferHead }

    private func takeBuffered() -> InboxEntry? {
        guard bufferHead < buffer.count else { return nil }
        let entry = buffer[bufferHead]
        bufferHead += 1
        if bufferHead == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            bufferHead = 0
        }
        inFlight.insert(entry.id)
        return entry
    }

    private func claim(limit: Int) async {
        claiming = true
        dirty = false
        let claimed: [InboxEntry]
        do {
            claimed = try await Self.claim(limit: limit, owner: instanceID, lease: configuration.lease, pool: pool, logger: queryLogger)
            failures = 0
        } catch {
            failures += 1
            if failures == 1 || failures % 50 == 0 {
                logger.warning("could not claim work from PostgreSQL; retrying", metadata: ["error": "\(PostgresStore.describe(error))", "store.failures": "\(failures)"])
            }
            // Back off; the store's tick (or a reconnect) wakes us again.
            try? await Task.sleep(for: .milliseconds(min(100 * failures, 1000)))
            claiming = false
            dirty = true
            return
        }
        claiming = false
        if claimed.count == limit { dirty = true }
        pendingEstimate = max(0, pendingEstimate - claimed.count)
        for entry in claimed {
            if closed {
                // Shutting down: hand back at once instead of holding the lease until it expires.
                await release([entry.id])
                continue
            }
            buffer.append(entry)
        }
        // Hand what was claimed to the idle workers; one more may claim again if needed.
        while !idle.isEmpty, let entry = takeBuffered() {
            idle.removeFirst().resume(returning: .entry(entry))
        }
        if dirty, !idle.isEmpty { idle.removeFirst().resume(returning: .retry) }
    }

    static func claim(limit: Int, owner: String, lease: Duration, pool: PoolHolder, logger: Logger) async throws -> [InboxEntry] {
        let leaseSeconds = lease.seconds
        return try await pool.query(
            """
            WITH candidates AS (
                SELECT p.id FROM heartline_inbox p
                WHERE p.done_at IS NULL
                  AND (p.lease_until IS NULL OR p.lease_until < now())
                  AND NOT EXISTS (
                      SELECT 1 FROM heartline_inbox q
                      WHERE q.user_hash = p.user_hash AND q.done_at IS NULL AND q.id <> p.id
                        AND (q.seq < p.seq OR q.lease_until >= now()))
                ORDER BY p.origin <> \(owner), p.seq
                LIMIT \(limit)
                FOR UPDATE OF p SKIP LOCKED
            )
            UPDATE heartline_inbox i
            SET lease_owner = \(owner), lease_until = now() + make_interval(secs => \(leaseSeconds)), attempts = i.attempts + 1
            FROM candidates WHERE i.id = candidates.id
            RETURNING i.seq, i.entry, i.attempts
            """,
            "claim work", logger: logger
        ) { rows in
            var claimed: [(Int, InboxEntry)] = []
            let decoder = PostgresInbox.decoder()
            for try await (seq, text, attempts) in rows.decode((Int, String?, Int).self) {
                guard let text, var entry = try? decoder.decode(InboxEntry.self, from: Data(text.utf8)) else { continue }
                entry.attempts = attempts
                claimed.append((seq, entry))
            }
            return claimed.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    private func release(_ ids: [String]) async {
        try? await pool.execute(
            "UPDATE heartline_inbox SET lease_owner = NULL, lease_until = NULL WHERE id = ANY(\(ids)) AND lease_owner = \(instanceID) AND done_at IS NULL",
            "release leases", logger: queryLogger
        )
    }

    // MARK: Leases

    /// Renews the leases this instance holds every third of a lease period, and refreshes the
    /// pending count used for back-pressure.
    func maintain() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: configuration.lease / 3)
            let ids = Array(inFlight) + buffer[bufferHead...].map(\.id)
            guard !ids.isEmpty else { continue }
            do {
                try await pool.execute(
                    """
                    UPDATE heartline_inbox SET lease_until = now() + make_interval(secs => \(configuration.lease.seconds))
                    WHERE id = ANY(\(ids)) AND lease_owner = \(instanceID) AND done_at IS NULL
                    """,
                    "renew leases", logger: queryLogger
                )
            } catch {
                if Task.isCancelled { return }
                logger.warning("could not renew leases", metadata: ["error": "\(PostgresStore.describe(error))", "store.held": "\(ids.count)"])
            }
        }
    }

    /// The store's periodic tick: how many entries wait (all instances), for `hasRoom` and
    /// `depth`; and the fallback wake-up for missed notifications and expired leases.
    func refresh(pending: Int) {
        pendingEstimate = pending
        wake()
    }

    private func wakeAll(_ wake: Wake) {
        let all = idle
        idle.removeAll()
        for continuation in all { continuation.resume(returning: wake) }
    }
}
