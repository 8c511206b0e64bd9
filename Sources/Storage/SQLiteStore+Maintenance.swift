import ChatCore
import Foundation
import GRDB
import Synchronization

extension SQLiteStore {
    /// Deletes at most `pruneBatch` expired rows of each kind (dedupe ids past their channel's
    /// window, kept replies past `replyRetention`) in one group commit. Returns how many rows went;
    /// the caller repeats while it is not zero, between requests, never inside one.
    public func pruneOnce() async throws -> Int {
        let at = now()
        let batch = options.pruneBatch
        let cutoffs: [(String, Double)] = (ChatChannel.allCases.map(\.rawValue) + ["imported"]).map {
            ($0, at.addingTimeInterval(-options.retention(for: $0).seconds).timeIntervalSince1970)
        }
        let replyCutoff = at.addingTimeInterval(-options.replyRetention.seconds).timeIntervalSince1970
        let (keys, replies) = try await commits.commit(returning: { db -> (Int, Int) in
            var keys = 0
            let deleteKeys = try db.cachedStatement(
                sql: "DELETE FROM dedupe WHERE id IN (SELECT id FROM dedupe WHERE channel = ? AND at < ? LIMIT ?)"
            )
            for (channel, cutoff) in cutoffs {
                try deleteKeys.execute(arguments: [channel, cutoff, batch])
                keys += db.changesCount
            }
            try db.cachedStatement(sql: "DELETE FROM replies WHERE id IN (SELECT id FROM replies WHERE at < ? LIMIT ?)")
                .execute(arguments: [replyCutoff, batch])
            return (keys, db.changesCount)
        })
        keyCounter.wrappingSubtract(keys, ordering: .relaxed)
        return keys + replies
    }

    /// What `heartline store check` reports.
    public struct CheckReport: Sendable, CustomStringConvertible {
        public var integrity: [String]
        public var problems: [String]
        public var counts: [String: Int]
        public var ok: Bool { integrity == ["ok"] && problems.isEmpty }

        public var description: String {
            var lines = ["integrity_check: " + integrity.joined(separator: "; ")]
            lines += counts.keys.sorted().map { "\($0): \(counts[$0] ?? 0)" }
            lines += problems.map { "problem: " + $0 }
            lines.append(ok ? "store OK" : "store has problems")
            return lines.joined(separator: "\n")
        }
    }

    /// SQLite's `integrity_check` plus the store's own invariants: an id is never both
    /// unanswered and answered, every kept reply has its dedupe id, every turn belongs to a
    /// session, and every stored entry and session decodes.
    public func check() throws -> CheckReport {
        let codec = codec
        return try read("check the store") { db in
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            var problems: [String] = []
            var counts: [String: Int] = [:]
            for table in ["inbox", "dedupe", "replies", "sessions", "turns"] {
                counts[table] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0
            }
            let invariants = [
                ("ids both unanswered and answered", "SELECT count(*) FROM inbox JOIN dedupe USING (id)"),
                ("kept replies without a dedupe id", "SELECT count(*) FROM replies WHERE id NOT IN (SELECT id FROM dedupe)"),
                ("turns without a session", "SELECT count(*) FROM turns WHERE user NOT IN (SELECT user FROM sessions)"),
            ]
            for (what, sql) in invariants {
                let n = try Int.fetchOne(db, sql: sql) ?? 0
                if n > 0 { problems.append("\(n) \(what)") }
            }
            var undecodable = 0
            for data in try Data.fetchAll(db, sql: "SELECT entry FROM inbox") where (try? codec.decode(InboxEntry.self, from: data)) == nil {
                undecodable += 1
            }
            for data in try Data.fetchAll(db, sql: "SELECT meta FROM sessions") where (try? codec.decode(Session.self, from: data)) == nil {
                undecodable += 1
            }
            for data in try Data.fetchAll(db, sql: "SELECT turn FROM turns") where (try? codec.decode(Turn.self, from: data)) == nil {
                undecodable += 1
            }
            if undecodable > 0 { problems.append("\(undecodable) rows that do not decode") }
            return CheckReport(integrity: integrity, problems: problems, counts: counts)
        }
    }
}
