import ChatCore
import Foundation
import Logging
import PostgresNIO

/// Sessions as rows of `heartline_sessions`, keyed by the user's keyed hash. A save is one
/// upsert (atomic: a reader sees the old or the new body). A body that cannot be decoded is moved
/// to `heartline_sessions_quarantine` and the user starts afresh.
public final class PostgresSessionStore: SessionStore {
    private let pool: PoolHolder
    private let logger: Logger
    private let queryLogger: Logger

    init(pool: PoolHolder, logger: Logger, queryLogger: Logger) {
        self.pool = pool
        self.logger = logger
        self.queryLogger = queryLogger
    }

    public func load(_ user: UserHash) async throws -> Session? {
        let body: String?
        do {
            body = try await pool.query("SELECT body FROM heartline_sessions WHERE user_hash = \(user.value)", "read session", logger: queryLogger) { rows in
                try await first(rows.decode(String.self))
            }
        } catch {
            throw StoreError.unavailable("cannot read session: \(PostgresStore.describe(error))")
        }
        guard let body else { return nil }
        if let session = try? PostgresInbox.decoder().decode(Session.self, from: Data(body.utf8)), session.version <= Session.currentVersion {
            return session
        }
        do {
            try await pool.execute(
                """
                WITH moved AS (DELETE FROM heartline_sessions WHERE user_hash = \(user.value) RETURNING user_hash, body)
                INSERT INTO heartline_sessions_quarantine (user_hash, body) SELECT user_hash, body FROM moved
                """,
                "quarantine session", logger: queryLogger
            )
            logger.error("unreadable session quarantined; the user starts a new session", metadata: ["chat.user": "\(user.short)"])
        } catch {
            logger.error("unreadable session could not be quarantined", metadata: ["chat.user": "\(user.short)", "error": "\(PostgresStore.describe(error))"])
        }
        return nil
    }

    public func save(_ session: Session, for user: UserHash) async throws {
        let encoder = PostgresInbox.encoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = String(decoding: try encoder.encode(session), as: UTF8.self)
        do {
            try await pool.execute(
                """
                INSERT INTO heartline_sessions (user_hash, body, updated_at) VALUES (\(user.value), \(body), now())
                ON CONFLICT (user_hash) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at
                """,
                "write session", logger: queryLogger
            )
        } catch {
            throw StoreError.unavailable("cannot write session: \(PostgresStore.describe(error))")
        }
    }

    public func delete(_ user: UserHash) async throws {
        do {
            try await pool.execute(
                """
                WITH a AS (DELETE FROM heartline_sessions WHERE user_hash = \(user.value)),
                     b AS (DELETE FROM heartline_sessions_quarantine WHERE user_hash = \(user.value))
                SELECT 1
                """,
                "delete session", logger: queryLogger
            )
        } catch {
            throw StoreError.unavailable("cannot delete session: \(PostgresStore.describe(error))")
        }
    }

    public func sweep(idleSince cutoff: Date) async throws -> Int {
        do {
            return try await pool.query(
                """
                WITH removed AS (DELETE FROM heartline_sessions WHERE updated_at < \(cutoff) RETURNING 1)
                SELECT count(*) FROM removed
                """,
                "sweep sessions", timeout: pool.requestTimeout * 6, logger: queryLogger
            ) { rows in try await first(rows.decode(Int.self)) ?? 0 }
        } catch {
            throw StoreError.unavailable("cannot sweep sessions: \(PostgresStore.describe(error))")
        }
    }
}

/// The first element of a row sequence (the rest is drained, as PostgresNIO expects).
func first<S: AsyncSequence>(_ sequence: S) async throws -> S.Element? {
    var result: S.Element?
    for try await element in sequence where result == nil { result = element }
    return result
}
