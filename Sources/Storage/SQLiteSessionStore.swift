import ChatCore
import Foundation
import GRDB
import Synchronization
import Logging

/// Sessions in the embedded store: a metadata row per user (`sessions`: the `Session` without its
/// turns, as JSON) and one row per turn (`turns`, keyed by the message that produced it). A save
/// appends the new turn and drops the trimmed ones; it never rewrites the whole session. Reads are
/// served from a byte-bounded cache.
///
/// While a worker answers an inbox entry (`StoreContext.entryID` is set), a save is held back and
/// committed in the same transaction as that entry's completion (`SQLiteInbox.complete`): one
/// durable commit per answer. Outside an entry (one-shot commands) a save commits at once.
public struct SQLiteSessionStore: SessionStore, Sendable {
    let store: SQLiteStore

    public func load(_ user: UserHash) async throws -> Session? {
        let stored = try stored(user)
        return stored.isPlaceholder ? nil : stored.session
    }

    public func save(_ session: Session, for user: UserHash) async throws {
        if let failure = store.failure { throw failure }
        let previous = try stored(user)
        let entryID = StoreContext.entryID
        let key = entryID ?? "direct-" + UUID().uuidString
        let plan = SessionDelta.plan(previous: previous, new: session, key: key)
        let change = try plan.change(user: user, codec: store.codec)
        store.cache.withLock { $0.put(user, plan.stored) }
        if let entryID {
            let attached = store.inflight.withLock { state -> Bool in
                guard case .pending = state.entries[entryID] else { return false }
                state.sessionChanges[entryID, default: []].append(change)
                return true
            }
            if attached { return }
        }
        do {
            try await store.commits.commit(change)
        } catch {
            store.cache.withLock { $0.remove(user) }
            throw error as? StoreError ?? StoreError.unavailable("cannot write session: \(error)")
        }
    }

    public func delete(_ user: UserHash) async throws {
        store.cache.withLock { $0.remove(user) }
        try await store.commits.commit { db in
            try db.execute(sql: "DELETE FROM turns WHERE user = ?", arguments: [user.value])
            try db.execute(sql: "DELETE FROM sessions WHERE user = ?", arguments: [user.value])
        }
        store.cache.withLock { $0.remove(user) }
    }

    /// Deletes sessions idle since before `cutoff`, in batches of `pruneBatch` users per commit.
    public func sweep(idleSince cutoff: Date) async throws -> Int {
        let limit = cutoff.timeIntervalSince1970
        let batch = store.options.pruneBatch
        var removed = 0
        while true {
            let users = try store.read("find idle sessions") { db in
                try String.fetchAll(db, sql: "SELECT user FROM sessions WHERE updated_at < ? LIMIT ?", arguments: [limit, batch])
            }
            guard !users.isEmpty else { return removed }
            try await store.commits.commit { db in
                for user in users {
                    // Re-checked inside the transaction: the user may have written since the read.
                    let stillIdle = try Bool.fetchOne(db, sql: "SELECT updated_at < ? FROM sessions WHERE user = ?", arguments: [limit, user]) ?? false
                    guard stillIdle else { continue }
                    try db.execute(sql: "DELETE FROM turns WHERE user = ?", arguments: [user])
                    try db.execute(sql: "DELETE FROM sessions WHERE user = ?", arguments: [user])
                }
            }
            store.cache.withLock { cache in for user in users { cache.remove(UserHash(user)) } }
            removed += users.count
            if users.count < batch { return removed }
        }
    }

    /// The user's session from the cache, else from the database (then cached). A user with no
    /// row gets an empty placeholder (not cached) so that a first save knows there is nothing.
    func stored(_ user: UserHash) throws -> StoredSession {
        if let cached = store.cache.withLock({ $0.get(user) }) { return cached }
        let codec = store.codec
        let logger = store.logger
        let loaded = try store.read("read session") { db -> StoredSession? in
            guard let meta = try Data.fetchOne(db.cachedStatement(sql: "SELECT meta FROM sessions WHERE user = ?"), arguments: [user.value]) else {
                return nil
            }
            let rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT seq, turn FROM turns WHERE user = ? ORDER BY seq"), arguments: [user.value])
            guard var session = try? codec.decode(Session.self, from: meta), session.version <= Session.currentVersion else {
                // Unreadable or from a newer Heartline: the user starts afresh; the rows stay
                // until the next save replaces them (`heartline store check` reports them).
                logger.error("unreadable session metadata; the user starts a new session", metadata: ["chat.user": "\(user.short)"])
                return nil
            }
            var seqs: [Int64] = []
            session.turns = []
            for row in rows {
                guard let data = row[1] as Data?, let turn = try? codec.decode(Turn.self, from: data) else { continue }
                session.turns.append(turn)
                seqs.append(row[0])
            }
            let lastSeq = try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(seq) FROM turns WHERE user = ?"), arguments: [user.value]) ?? 0
            return StoredSession(session: session, seqs: seqs, lastSeq: lastSeq)
        }
        guard let loaded else { return StoredSession.placeholder }
        store.cache.withLock { $0.put(user, loaded) }
        return loaded
    }
}

extension StoredSession {
    /// Stands for "no session stored" (a real session always has a creation date after 1970).
    static let placeholder = StoredSession(session: Session(now: Date(timeIntervalSince1970: 0)), seqs: [], lastSeq: 0)
    var isPlaceholder: Bool { session.createdAt == Date(timeIntervalSince1970: 0) }
}
