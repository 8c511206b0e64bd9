import ChatCore
import Foundation
import Logging
import PostgresNIO

/// Handoffs as rows of `heartline_handoffs` (state as JSON) and `heartline_handoff_messages`.
/// Every instance sees the same handoffs; a state change is a conditional UPDATE, so two
/// instances (or a worker and a counsellor) cannot both win a transition.
public struct PostgresHandoffStore: HandoffStore {
    let pool: PoolHolder
    let queryLogger: Logger

    public func active(for user: UserHash) async throws -> Handoff? {
        let closed = Handoff.Status.closed.rawValue
        let body = try await run("read handoffs") {
            try await first(pool.client.query(
                "SELECT body FROM heartline_handoffs WHERE user_hash = \(user.value) AND status <> \(closed) ORDER BY updated_at DESC LIMIT 1",
                logger: queryLogger
            ).decode(String.self))
        }
        return try body.map(Self.decode)
    }

    public func latest(for user: UserHash) async throws -> Handoff? {
        let body = try await run("read handoffs") {
            try await first(pool.client.query(
                "SELECT body FROM heartline_handoffs WHERE user_hash = \(user.value) ORDER BY updated_at DESC LIMIT 1", logger: queryLogger
            ).decode(String.self))
        }
        return try body.map(Self.decode)
    }

    public func handoff(id: String, messageLimit: Int) async throws -> Handoff? {
        let body = try await run("read a handoff") {
            try await first(pool.client.query("SELECT body FROM heartline_handoffs WHERE id = \(id)", logger: queryLogger).decode(String.self))
        }
        guard var handoff = try body.map(Self.decode) else { return nil }
        handoff.messages = try await messages(of: id, limit: messageLimit)
        return handoff
    }

    public func list(statuses: Set<Handoff.Status>, limit: Int, messageLimit: Int) async throws -> [Handoff] {
        let wanted = statuses.map(\.rawValue)
        let bounded = max(0, limit)
        let bodies = try await run("list handoffs") {
            var out: [String] = []
            let rows = try await pool.client.query(
                "SELECT body FROM heartline_handoffs WHERE status = ANY(\(wanted)) ORDER BY updated_at DESC LIMIT \(bounded)",
                logger: queryLogger
            )
            for try await body in rows.decode(String.self) { out.append(body) }
            return out
        }
        var handoffs: [Handoff] = []
        for body in bodies {
            var handoff = try Self.decode(body)
            handoff.messages = try await messages(of: handoff.id, limit: messageLimit)
            handoffs.append(handoff)
        }
        return handoffs
    }

    public func insert(_ handoff: Handoff) async throws {
        let body = try Self.encode(handoff)
        try await run("write a handoff") {
            try await pool.client.query(
                """
                INSERT INTO heartline_handoffs (id, user_hash, status, updated_at, body)
                VALUES (\(handoff.id), \(handoff.userHash.value), \(handoff.status.rawValue), \(handoff.updatedAt), \(body))
                """,
                logger: queryLogger
            )
        }
    }

    public func update(_ handoff: Handoff, expecting: Handoff.Status) async throws -> Bool {
        let body = try Self.encode(handoff)
        return try await run("write a handoff") {
            let rows = try await pool.client.query(
                """
                UPDATE heartline_handoffs SET status = \(handoff.status.rawValue), updated_at = \(handoff.updatedAt), body = \(body)
                WHERE id = \(handoff.id) AND status = \(expecting.rawValue) RETURNING 1
                """,
                logger: queryLogger
            )
            return try await first(rows.decode(Int.self)) != nil
        }
    }

    public func append(_ message: HandoffMessage, to handoffID: String) async throws {
        let body = String(decoding: try PostgresInbox.encoder().encode(message), as: UTF8.self)
        try await run("write a handoff message") {
            try await pool.client.query(
                """
                INSERT INTO heartline_handoff_messages (handoff_id, id, body)
                SELECT \(handoffID), \(message.id), \(body) WHERE EXISTS (SELECT 1 FROM heartline_handoffs WHERE id = \(handoffID))
                ON CONFLICT (handoff_id, id) DO NOTHING
                """,
                logger: queryLogger
            )
        }
    }

    public func delete(_ user: UserHash) async throws {
        // Messages go with their handoff (ON DELETE CASCADE).
        try await run("delete handoffs") {
            try await pool.client.query("DELETE FROM heartline_handoffs WHERE user_hash = \(user.value)", logger: queryLogger)
        }
    }

    // MARK: Helpers

    private func messages(of id: String, limit: Int) async throws -> [HandoffMessage] {
        guard limit > 0 else { return [] }
        let bodies = try await run("read handoff messages") {
            var out: [String] = []
            let rows = try await pool.client.query(
                "SELECT body FROM heartline_handoff_messages WHERE handoff_id = \(id) ORDER BY seq DESC LIMIT \(limit)",
                logger: queryLogger
            )
            for try await body in rows.decode(String.self) { out.append(body) }
            return out
        }
        let decoder = PostgresInbox.decoder()
        return bodies.reversed().compactMap { try? decoder.decode(HandoffMessage.self, from: Data($0.utf8)) }
    }

    @discardableResult
    private func run<T>(_ what: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw StoreError.unavailable("cannot \(what): \(PostgresStore.describe(error))")
        }
    }

    static func encode(_ handoff: Handoff) throws -> String {
        var stored = handoff
        stored.messages = []
        return String(decoding: try PostgresInbox.encoder().encode(stored), as: UTF8.self)
    }

    static func decode(_ body: String) throws -> Handoff {
        do {
            return try PostgresInbox.decoder().decode(Handoff.self, from: Data(body.utf8))
        } catch {
            throw StoreError.corrupt("a handoff could not be read")
        }
    }
}

extension PostgresStore {
    /// The handoff port of this store (shares the store's pool).
    public var handoffs: PostgresHandoffStore { PostgresHandoffStore(pool: pool, queryLogger: queryLogger) }
}
