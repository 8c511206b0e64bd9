import ChatCore
import Foundation
import GRDB

/// Handoffs in the embedded store (`handoffs`, `handoff_messages`). Every change is its own
/// durable commit through the store's group-commit queue: a counsellor's message or a state
/// change must survive a crash even when no inbox entry completes after it.
public struct SQLiteHandoffStore: HandoffStore, Sendable {
    let store: SQLiteStore

    public func active(for user: UserHash) async throws -> Handoff? {
        let codec = store.codec
        return try store.read("read handoffs") { db in
            let meta = try Data.fetchOne(
                db, sql: "SELECT meta FROM handoffs WHERE user = ? AND status != ? ORDER BY updated_at DESC LIMIT 1",
                arguments: [user.value, Handoff.Status.closed.rawValue]
            )
            return try meta.map { try codec.decode(Handoff.self, from: $0) }
        }
    }

    public func latest(for user: UserHash) async throws -> Handoff? {
        let codec = store.codec
        return try store.read("read handoffs") { db in
            let meta = try Data.fetchOne(db, sql: "SELECT meta FROM handoffs WHERE user = ? ORDER BY updated_at DESC LIMIT 1", arguments: [user.value])
            return try meta.map { try codec.decode(Handoff.self, from: $0) }
        }
    }

    public func handoff(id: String, messageLimit: Int) async throws -> Handoff? {
        let codec = store.codec
        return try store.read("read a handoff") { db in
            guard let meta = try Data.fetchOne(db, sql: "SELECT meta FROM handoffs WHERE id = ?", arguments: [id]) else { return nil }
            var handoff = try codec.decode(Handoff.self, from: meta)
            handoff.messages = try Self.messages(db, of: id, limit: messageLimit, codec: codec)
            return handoff
        }
    }

    public func list(statuses: Set<Handoff.Status>, limit: Int, messageLimit: Int) async throws -> [Handoff] {
        let codec = store.codec
        let wanted = statuses.map(\.rawValue)
        guard !wanted.isEmpty else { return [] }
        return try store.read("list handoffs") { db in
            let marks = Array(repeating: "?", count: wanted.count).joined(separator: ",")
            var values: [any DatabaseValueConvertible] = wanted
            values.append(max(0, limit))
            let rows = try Data.fetchAll(
                db, sql: "SELECT meta FROM handoffs WHERE status IN (\(marks)) ORDER BY updated_at DESC LIMIT ?",
                arguments: StatementArguments(values)
            )
            return try rows.map { meta in
                var handoff = try codec.decode(Handoff.self, from: meta)
                handoff.messages = try Self.messages(db, of: handoff.id, limit: messageLimit, codec: codec)
                return handoff
            }
        }
    }

    public func insert(_ handoff: Handoff) async throws {
        let stored = Self.withoutMessages(handoff)
        let meta = try store.codec.encode(stored)
        try await commit { db in
            try db.execute(
                sql: "INSERT INTO handoffs(id, user, status, updated_at, meta) VALUES (?, ?, ?, ?, ?)",
                arguments: [stored.id, stored.userHash.value, stored.status.rawValue, stored.updatedAt.timeIntervalSince1970, meta]
            )
        }
    }

    public func update(_ handoff: Handoff, expecting: Handoff.Status) async throws -> Bool {
        let stored = Self.withoutMessages(handoff)
        let meta = try store.codec.encode(stored)
        return try await commitReturning { db in
            try db.execute(
                sql: "UPDATE handoffs SET status = ?, updated_at = ?, meta = ? WHERE id = ? AND status = ?",
                arguments: [stored.status.rawValue, stored.updatedAt.timeIntervalSince1970, meta, stored.id, expecting.rawValue]
            )
            return db.changesCount > 0
        }
    }

    public func append(_ message: HandoffMessage, to handoffID: String) async throws {
        let data = try store.codec.encode(message)
        try await commit { db in
            let next = (try Int64.fetchOne(db, sql: "SELECT max(seq) FROM handoff_messages WHERE handoff = ?", arguments: [handoffID]) ?? 0) + 1
            try db.execute(
                sql: "INSERT OR IGNORE INTO handoff_messages(handoff, id, seq, message) VALUES (?, ?, ?, ?)",
                arguments: [handoffID, message.id, next, data]
            )
        }
    }

    public func delete(_ user: UserHash) async throws {
        try await commit { db in
            try db.execute(
                sql: "DELETE FROM handoff_messages WHERE handoff IN (SELECT id FROM handoffs WHERE user = ?)", arguments: [user.value]
            )
            try db.execute(sql: "DELETE FROM handoffs WHERE user = ?", arguments: [user.value])
        }
    }

    // MARK: Helpers

    static func withoutMessages(_ handoff: Handoff) -> Handoff {
        var stored = handoff
        stored.messages = []
        return stored
    }

    /// The last `limit` messages, oldest first; an unreadable row is skipped, not fatal.
    static func messages(_ db: Database, of id: String, limit: Int, codec: StoreCodec) throws -> [HandoffMessage] {
        guard limit > 0 else { return [] }
        let rows = try Data.fetchAll(
            db, sql: "SELECT message FROM handoff_messages WHERE handoff = ? ORDER BY seq DESC LIMIT ?", arguments: [id, limit]
        )
        return rows.reversed().compactMap { try? codec.decode(HandoffMessage.self, from: $0) }
    }

    private func commit(_ change: @escaping @Sendable (Database) throws -> Void) async throws {
        if let failure = store.failure { throw failure }
        do {
            try await store.commits.commit(change)
        } catch {
            throw error as? StoreError ?? StoreError.unavailable("cannot write handoff: \(error)")
        }
    }

    private func commitReturning<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        if let failure = store.failure { throw failure }
        do {
            return try await store.commits.commit(returning: body)
        } catch {
            throw error as? StoreError ?? StoreError.unavailable("cannot write handoff: \(error)")
        }
    }
}

extension SQLiteStore {
    /// The handoff port of this store.
    public var handoffs: SQLiteHandoffStore { SQLiteHandoffStore(store: self) }
}
