import ChatCore
import Foundation
import GRDB
import Synchronization

/// The inbox of the embedded store.
///
/// - Push channels (Telegram, WeChat customer-service): `record` returns after the message is
///   committed (`inbox` row), so the platform may be told "received".
/// - Synchronous channels (local, mini-program API): the caller waits for the answer, so nothing
///   is acknowledged before it. `record` only reserves the id in memory; the answer, its session
///   turn and the "done" mark are committed in ONE transaction by `complete`, before the reply is
///   sent. A crash before that commit loses nothing acknowledged: the caller saw no reply and
///   retries with the same id.
/// - Dedupe: answered ids stay in `dedupe` for the channel's window, replies of API messages in
///   `replies` for `replyRetention`; both are pruned in the background (`prune`).
public struct SQLiteInbox: Inbox, Sendable {
    let store: SQLiteStore

    /// Channels whose caller waits for the reply (no durable accept needed; the reply is kept).
    static func isSynchronous(_ channel: ChatChannel) -> Bool { channel == .local || channel == .miniprogram }

    public func record(_ message: InboundMessage, userHash: UserHash) async throws -> InboxRecordResult {
        try await record(message, userHash: userHash, id: store.hasher.inboxID(for: message))
    }

    public func record(_ message: InboundMessage, userHash: UserHash, id: String) async throws -> InboxRecordResult {
        if let failure = store.failure { throw failure }
        let claimed = store.inflight.withLock { state -> Bool in
            guard state.entries[id] == nil else { return false }
            state.entries[id] = .checking
            return true
        }
        guard claimed else { return .duplicatePending(id: id) }
        do {
            if let reply = try answered(id) {
                store.inflight.withLock { _ = $0.entries.removeValue(forKey: id) }
                return .duplicateDone(id: id, reply: reply)
            }
        } catch {
            store.inflight.withLock { _ = $0.entries.removeValue(forKey: id) }
            throw error
        }
        let entry = InboxEntry(id: id, userHash: userHash, message: message, recordedAt: store.now())
        let durable = !Self.isSynchronous(message.channel)
        if durable {
            do {
                let data = try store.codec.encode(entry)
                let at = entry.recordedAt.timeIntervalSince1970
                try await store.commits.commit { db in
                    try db.cachedStatement(sql: "INSERT OR IGNORE INTO inbox(id, user, recorded_at, entry) VALUES (?, ?, ?, ?)")
                        .execute(arguments: [id, userHash.value, at, data])
                }
            } catch {
                store.inflight.withLock { _ = $0.entries.removeValue(forKey: id) }
                throw error as? StoreError ?? StoreError.unavailable("cannot record message: \(error)")
            }
        }
        store.inflight.withLock { state in
            state.entries[id] = .pending(entry, durable: durable)
            state.pendingCount += 1
        }
        return .accepted(entry)
    }

    /// nil: never answered (or forgotten past its window); .some(reply): answered, with the kept
    /// reply if any.
    private func answered(_ id: String) throws -> Reply?? {
        let codec = store.codec
        return try store.read("look up a message id") { db -> Reply?? in
            guard try Row.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM dedupe WHERE id = ?"), arguments: [id]) != nil else { return .none }
            let data = try Data.fetchOne(db.cachedStatement(sql: "SELECT reply FROM replies WHERE id = ?"), arguments: [id])
            return .some(data.flatMap { try? codec.decode(Reply.self, from: $0) })
        }
    }

    public func complete(_ id: String, reply: Reply?) async throws {
        let taken = store.inflight.withLock { state -> (InboxEntry, Bool, [CommitQueue.Change])? in
            guard case .pending(let entry, let durable) = state.entries[id] else { return nil }
            return (entry, durable, state.sessionChanges.removeValue(forKey: id) ?? [])
        }
        guard let taken else { return }
        let (entry, durable, sessionChanges) = taken
        let channel = entry.message.channel
        let at = store.now().timeIntervalSince1970
        let kept = try Self.isSynchronous(channel) ? reply.map { try store.codec.encode($0) } : nil
        let user = entry.userHash.value
        try await store.commits.commit { db in
            for change in sessionChanges { try change(db) }
            if durable {
                try db.cachedStatement(sql: "DELETE FROM inbox WHERE id = ?").execute(arguments: [id])
            }
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO dedupe(id, channel, at) VALUES (?, ?, ?)")
                .execute(arguments: [id, channel.rawValue, at])
            if let kept {
                try db.cachedStatement(sql: "INSERT OR REPLACE INTO replies(id, user, at, reply) VALUES (?, ?, ?, ?)")
                    .execute(arguments: [id, user, at, kept])
            }
        }
        store.keyCounter.wrappingAdd(1, ordering: .relaxed)
        store.inflight.withLock { state in
            if state.entries.removeValue(forKey: id) != nil { state.pendingCount -= 1 }
        }
    }

    public func pending() async throws -> [InboxEntry] {
        store.inflight.withLock { state in
            state.entries.values.compactMap { value -> InboxEntry? in
                if case .pending(let entry, durable: true) = value { return entry }
                return nil
            }
        }.sorted { $0.recordedAt < $1.recordedAt }
    }

    public func reply(for id: String) async throws -> Reply?? {
        let inProgress = store.inflight.withLock { $0.entries[id] != nil }
        if inProgress { return .none }
        return try answered(id)
    }

    public func purge(_ user: UserHash, keeping: String?) async throws {
        try await store.commits.commit { db in
            try db.execute(sql: "DELETE FROM replies WHERE user = ? AND id IS NOT ?", arguments: [user.value, keeping])
        }
    }

    /// Counts for metrics: entries waiting for an answer (recorded or in progress) and the age of
    /// the oldest one.
    public func stats() -> (pending: Int, oldest: Date?) {
        store.inflight.withLock { state in
            var oldest: Date?
            for case .pending(let entry, _) in state.entries.values where oldest.map({ entry.recordedAt < $0 }) ?? true {
                oldest = entry.recordedAt
            }
            return (state.pendingCount, oldest)
        }
    }

    /// Answered ids in the dedupe window (kept up to date, never counted by a scan).
    public var keyCount: Int { store.keyCounter.load(ordering: .relaxed) }
}
