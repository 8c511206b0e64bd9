import ChatCore
import Foundation
import GRDB

/// How a session save becomes row changes: the turns appended since the stored version are
/// inserted, the turns trimmed from the front are deleted, and the metadata row is replaced.
/// Only when the history was rewritten (`/reset`, or the single kept turn was shortened) are all
/// the user's turns replaced.
struct SessionDelta: Sendable {
    var stored: StoredSession
    var deleteAll: Bool
    /// Rows with a lower sequence number are deleted (trimmed turns).
    var keepFrom: Int64?
    var inserts: [(key: String, seq: Int64, turn: Turn)]
    var meta: Session

    static func plan(previous: StoredSession, new: Session, key: String) -> SessionDelta {
        let old = previous.session.turns
        var kept = 0
        var matched = old.isEmpty
        if let last = old.last, let index = new.turns.lastIndex(of: last), index < old.count,
           Array(new.turns[...index]) == Array(old.suffix(index + 1)) {
            kept = index + 1
            matched = true
        }
        var seq = previous.lastSeq
        var seqs = matched ? Array(previous.seqs.suffix(kept)) : []
        var inserts: [(key: String, seq: Int64, turn: Turn)] = []
        let fresh = new.turns[kept...]
        for (offset, turn) in fresh.enumerated() {
            seq += 1
            inserts.append((offset == 0 ? key : key + "#\(offset)", seq, turn))
            seqs.append(seq)
        }
        var meta = new
        meta.turns = []
        return SessionDelta(
            stored: StoredSession(session: new, seqs: seqs, lastSeq: seq),
            deleteAll: !matched,
            keepFrom: matched && kept < old.count ? seqs.first ?? seq + 1 : nil,
            inserts: inserts,
            meta: meta
        )
    }

    /// The change, ready to run in a group transaction.
    func change(user: UserHash, codec: StoreCodec) throws -> CommitQueue.Change {
        let metaData = try codec.encode(meta)
        let rows = try inserts.map { ($0.key, $0.seq, try codec.encode($0.turn)) }
        let updated = meta.updatedAt.timeIntervalSince1970
        let deleteAll = deleteAll
        let keepFrom = keepFrom
        let user = user.value
        return { db in
            if deleteAll {
                try db.cachedStatement(sql: "DELETE FROM turns WHERE user = ?").execute(arguments: [user])
            } else if let keepFrom {
                try db.cachedStatement(sql: "DELETE FROM turns WHERE user = ? AND seq < ?").execute(arguments: [user, keepFrom])
            }
            let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO turns(user, key, seq, turn) VALUES (?, ?, ?, ?)")
            for (key, seq, turn) in rows {
                try insert.execute(arguments: [user, key, seq, turn])
            }
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO sessions(user, updated_at, meta) VALUES (?, ?, ?)")
                .execute(arguments: [user, updated, metaData])
        }
    }
}
