import ChatCore
import Foundation
import Logging
import PostgresNIO

/// The inbox as the table `heartline_inbox`, shared by every instance on the database.
///
/// - `record` returns after the row's INSERT committed; concurrent records share one multi-row
///   INSERT (group commit), and the id's primary key makes a second record of the same message a
///   duplicate, whichever instance sees it.
/// - `complete` clears the message text, keeps the reply of API channels for `replyRetention`
///   and the dedupe key for `dedupeRetention`; when another instance accepted the message, it is
///   told (`NOTIFY heartline_done_<instance>`) so that its waiting API caller gets the reply.
public final class PostgresInbox: Inbox {
    /// Notified when work may be claimable (new entries, a user's entry finished).
    static let workChannel = "heartline_work"

    struct Row: Sendable {
        var id: String
        var user: String
        var keepsReply: Bool
        var entry: String
        /// Wake the other instances (this one has no idle worker).
        var notify: Bool
    }

    private let pool: PoolHolder
    private let hasher: any UserKeyHasher
    private let configuration: PostgresStoreConfiguration
    private let instanceID: String
    private let logger: Logger
    private let queryLogger: Logger
    private let records: Batcher<Row, Bool>
    /// Output: whether the entry now holds this answer (see `markDone`).
    private let completions: Batcher<(id: String, reply: String), Bool>

    init(
        pool: PoolHolder, hasher: any UserKeyHasher, configuration: PostgresStoreConfiguration,
        instanceID: String, logger: Logger, queryLogger: Logger
    ) {
        self.pool = pool
        self.hasher = hasher
        self.configuration = configuration
        self.instanceID = instanceID
        self.logger = logger
        self.queryLogger = queryLogger
        let concurrent = max(1, configuration.poolSize / 3)
        self.records = Batcher(maxConcurrent: concurrent, maxBatch: 256) { rows in
            try await Self.insert(rows, origin: instanceID, pool: pool, logger: queryLogger)
        }
        self.completions = Batcher(maxConcurrent: concurrent, maxBatch: 256) { items in
            let confirmed = try await Self.markDone(items, origin: instanceID, pool: pool, logger: queryLogger)
            return items.map { confirmed.contains($0.id) }
        }
    }

    public func record(_ message: InboundMessage, userHash: UserHash) async throws -> InboxRecordResult {
        try await record(message, userHash: userHash, id: hasher.inboxID(for: message))
    }

    /// Set by the store: whether this instance has an idle worker that will claim a new message
    /// itself. Only when it has none are the other instances notified, so that a message is
    /// usually answered where it arrived (no reply hand-over between instances).
    let localWorkerIdle = Locked<@Sendable () async -> Bool>({ false })

    public func complete(_ id: String, reply: Reply?) async throws {
        let text = try reply.map { String(decoding: try Self.encoder().encode($0), as: UTF8.self) } ?? ""
        // Retried through a short outage: a lost done marker means the message is answered again
        // after its lease runs out.
        let confirmed = try await retrying("mark message answered") {
            try await self.completions.submit((id: id, reply: text))
        }
        // Our lease ran out during an outage and another instance answered the message first: its
        // reply is the one kept. Failing here means a waiting API caller gets no reply rather
        // than one that differs from what a retry of the same id returns.
        guard confirmed else { throw StoreError.unavailable("the message was answered by another instance meanwhile") }
    }

    public func pending() async throws -> [InboxEntry] {
        do {
            // A whole backlog may be read here: a longer deadline than single-row requests.
            return try await pool.query(
                "SELECT entry FROM heartline_inbox WHERE done_at IS NULL AND entry IS NOT NULL ORDER BY seq",
                "read pending messages", timeout: pool.requestTimeout * 6, logger: queryLogger
            ) { rows in
                var entries: [InboxEntry] = []
                let decoder = Self.decoder()
                for try await text in rows.decode(String.self) {
                    if let entry = try? decoder.decode(InboxEntry.self, from: Data(text.utf8)) { entries.append(entry) }
                }
                return entries
            }
        } catch {
            throw StoreError.unavailable("cannot read pending messages: \(PostgresStore.describe(error))")
        }
    }

    public func reply(for id: String) async throws -> Reply?? {
        do {
            let row = try await pool.query(
                "SELECT done_at IS NOT NULL, reply FROM heartline_inbox WHERE id = \(id)", "read reply", logger: queryLogger
            ) { rows in try await first(rows.decode((Bool, String?).self)) }
            guard let (done, reply) = row, done else { return .none }
            return .some(reply.flatMap { try? Self.decoder().decode(Reply.self, from: Data($0.utf8)) })
        } catch {
            throw StoreError.unavailable("cannot read reply: \(PostgresStore.describe(error))")
        }
    }

    public func purge(_ user: UserHash, keeping: String?) async throws {
        do {
            // Answered entries keep only their dedupe key; pending ones are still to be answered.
            try await pool.execute(
                """
                UPDATE heartline_inbox SET user_hash = NULL, reply = NULL, entry = NULL
                WHERE user_hash = \(user.value) AND done_at IS NOT NULL AND id <> \(keeping ?? "")
                """,
                "purge inbox", logger: queryLogger
            )
        } catch {
            throw StoreError.unavailable("cannot purge inbox: \(PostgresStore.describe(error))")
        }
    }

    /// Counts for metrics and tests: entries not yet answered and the oldest one's time.
    public func stats() async throws -> (pending: Int, oldest: Date?) {
        let row = try await pool.query(
            "SELECT count(*), min(recorded_at) FROM heartline_inbox WHERE done_at IS NULL", "count pending", logger: queryLogger
        ) { rows in try await first(rows.decode((Int, Date?).self)) }
        return row ?? (0, nil)
    }

    // MARK: Recording

    /// Records with the id the caller computed (the keyed hash of the dedupe key).
    public func record(_ message: InboundMessage, userHash: UserHash, id: String) async throws -> InboxRecordResult {
        let entry = InboxEntry(id: id, userHash: userHash, message: message, recordedAt: Date())
        let text = String(decoding: try Self.encoder().encode(entry), as: UTF8.self)
        let keepsReply = message.channel == .local || message.channel == .miniprogram
        // Fail fast while the database is known to be away: the platform is told to retry.
        guard pool.isHealthy else { throw StoreError.unavailable("cannot record message: PostgreSQL unavailable") }
        let inserted: Bool
        do {
            let idle = await localWorkerIdle.value()
            let notify = !idle
            inserted = try await records.submit(Row(id: id, user: userHash.value, keepsReply: keepsReply, entry: text, notify: notify))
        } catch {
            throw StoreError.unavailable("cannot record message: \(PostgresStore.describe(error))")
        }
        if inserted { return .accepted(entry) }
        switch try await reply(for: id) {
        case .none: return .duplicatePending(id: id)
        case .some(let reply): return .duplicateDone(id: id, reply: reply)
        }
    }

    /// One INSERT for the batch; returns per row whether it was new. A notification wakes the
    /// instances' claimers in the same transaction.
    static func insert(_ rows: [Row], origin: String, pool: PoolHolder, logger: Logger) async throws -> [Bool] {
        // The same message twice in one batch: only the first is inserted.
        var seen: Set<String> = []
        let unique = rows.filter { seen.insert($0.id).inserted }
        let ids = unique.map(\.id)
        let users = unique.map(\.user)
        let keeps = unique.map(\.keepsReply)
        let entries = unique.map(\.entry)
        let notify = unique.contains(where: \.notify)
        let new = try await pool.query(
            """
            WITH input AS (
                SELECT * FROM unnest(\(ids)::text[], \(users)::text[], \(keeps)::boolean[], \(entries)::text[])
                    WITH ORDINALITY AS t(id, user_hash, keeps_reply, entry, n)
            ), inserted AS (
                INSERT INTO heartline_inbox (id, user_hash, origin, keeps_reply, entry, recorded_at)
                SELECT id, user_hash, \(origin), keeps_reply, entry, now() FROM input ORDER BY n
                ON CONFLICT (id) DO NOTHING
                RETURNING id
            ), wake AS (
                SELECT pg_notify('\(unescaped: workChannel)', '') WHERE \(notify) AND EXISTS (SELECT 1 FROM inserted)
            )
            SELECT id FROM inserted LEFT JOIN wake ON true
            """,
            "record messages", logger: logger
        ) { rows in
            var new: Set<String> = []
            for try await id in rows.decode(String.self) { new.insert(id) }
            return new
        }
        var answered: Set<String> = []
        return rows.map { row in new.contains(row.id) && answered.insert(row.id).inserted }
    }

    // MARK: Completing

    /// Marks the batch answered; returns the ids that now hold the given answer: marked by this
    /// statement, or already marked with the same reply (a retry after a lost response), or
    /// already marked on a channel that keeps no reply (nothing to compare; delivered anyway).
    static func markDone(_ items: [(id: String, reply: String)], origin: String, pool: PoolHolder, logger: Logger) async throws -> Set<String> {
        let ids = items.map(\.id)
        let replies = items.map(\.reply)
        return try await pool.query(
            """
            WITH input AS (
                SELECT * FROM unnest(\(ids)::text[], \(replies)::text[]) AS t(id, reply)
            ), done AS (
                UPDATE heartline_inbox i
                SET done_at = now(), entry = NULL, lease_owner = NULL, lease_until = NULL,
                    reply = CASE WHEN i.keeps_reply THEN NULLIF(input.reply, '') END
                FROM input WHERE i.id = input.id AND i.done_at IS NULL
                RETURNING i.id, i.origin, i.user_hash
            ), told AS (
                SELECT pg_notify('heartline_done_' || origin, id) FROM done WHERE origin <> \(origin)
            ), wake AS (
                SELECT pg_notify('\(unescaped: workChannel)', '') WHERE EXISTS (
                    SELECT 1 FROM heartline_inbox p JOIN done ON p.user_hash = done.user_hash
                    WHERE p.done_at IS NULL AND p.id NOT IN (SELECT id FROM done)
                )
            )
            SELECT (SELECT count(*) FROM told), (SELECT count(*) FROM wake), ARRAY(
                SELECT id FROM done
                UNION ALL
                SELECT input.id FROM input JOIN heartline_inbox h ON h.id = input.id
                WHERE h.done_at IS NOT NULL
                  AND (NOT h.keeps_reply OR h.reply IS NOT DISTINCT FROM NULLIF(input.reply, ''))
            )
            """,
            "mark messages answered", logger: logger
        ) { rows in
            var confirmed: Set<String> = []
            for try await (_, _, marked) in rows.decode((Int, Int, [String]).self) { confirmed.formUnion(marked) }
            return confirmed
        }
    }

    // MARK: Maintenance

    /// Drops dedupe keys and replies past their retention, a bounded number per round.
    func maintain() async {
        while !Task.isCancelledOrShuttingDown {
            do {
                let keyCutoff = Date().addingTimeInterval(-configuration.dedupeRetention.seconds)
                let replyCutoff = Date().addingTimeInterval(-configuration.replyRetention.seconds)
                try await pool.execute(
                    """
                    DELETE FROM heartline_inbox WHERE id IN (
                        SELECT id FROM heartline_inbox WHERE done_at < \(keyCutoff) LIMIT 10000)
                    """,
                    "drop expired dedupe keys", timeout: pool.requestTimeout * 6, logger: queryLogger
                )
                try await pool.execute(
                    "UPDATE heartline_inbox SET reply = NULL WHERE done_at < \(replyCutoff) AND reply IS NOT NULL",
                    "drop expired replies", timeout: pool.requestTimeout * 6, logger: queryLogger
                )
            } catch {
                if Task.isCancelledOrShuttingDown { return }
                logger.warning("inbox retention sweep failed", metadata: ["error": "\(PostgresStore.describe(error))"])
            }
            try? await Task.sleep(for: .seconds(600))
        }
    }

    /// Runs `body`, retrying through a database outage for up to one lease period, but not past
    /// graceful shutdown: the entry stays in the table, leased, and is answered after its lease
    /// runs out (by another instance or the next start), so a stop during an outage ends promptly.
    private func retrying<T: Sendable>(_ what: String, _ body: @Sendable () async throws -> T) async throws -> T {
        let clock = ContinuousClock()
        let deadline = clock.now + configuration.lease
        var delay = Duration.milliseconds(100)
        while true {
            do {
                return try await body()
            } catch {
                guard clock.now + delay < deadline, !Task.isCancelledOrShuttingDown else {
                    throw StoreError.unavailable("cannot \(what): \(PostgresStore.describe(error))")
                }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(2))
            }
        }
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }
}
