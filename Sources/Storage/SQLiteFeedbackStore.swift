import ChatCore
import Foundation
import GRDB

/// Answer feedback in the embedded store (`feedback`). A vote is its own durable commit through
/// the store's group-commit queue; a second vote by the same user on the same answer replaces the
/// first (upsert on the primary key).
public struct SQLiteFeedbackStore: FeedbackStore, Sendable {
    let store: SQLiteStore

    public func record(_ feedback: AnswerFeedback) async throws {
        try await commit { db in
            let a = feedback.answer
            let values: [(any DatabaseValueConvertible)?] = [
                feedback.user.value, feedback.replyKey, feedback.vote.rawValue, feedback.reason?.rawValue,
                a.source.rawValue, a.tier.rawValue, a.channel.rawValue, a.answerID, a.intent, a.category,
                a.answeredAt.timeIntervalSince1970, feedback.votedAt.timeIntervalSince1970,
            ]
            try db.execute(
                sql: """
                INSERT INTO feedback(user, reply, vote, reason, source, tier, channel, answer_id, intent, category, answered_at, voted_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(user, reply) DO UPDATE SET vote = excluded.vote, reason = excluded.reason, voted_at = excluded.voted_at
                """,
                arguments: StatementArguments(values)
            )
        }
    }

    public func delete(_ user: UserHash) async throws {
        try await commit { db in
            try db.execute(sql: "DELETE FROM feedback WHERE user = ?", arguments: [user.value])
        }
    }

    public func prune(votedBefore cutoff: Date) async throws -> Int {
        if let failure = store.failure { throw failure }
        do {
            return try await store.commits.commit(returning: { db in
                try db.execute(sql: "DELETE FROM feedback WHERE voted_at < ?", arguments: [cutoff.timeIntervalSince1970])
                return db.changesCount
            })
        } catch {
            throw error as? StoreError ?? StoreError.unavailable("cannot prune feedback: \(error)")
        }
    }

    public func tallies(since: Date) async throws -> [FeedbackTally] {
        try store.read("read feedback") { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                SELECT source, tier, answer_id, intent, category, vote, reason, count(*) FROM feedback WHERE voted_at >= ?
                GROUP BY source, tier, answer_id, intent, category, vote, reason
                """,
                arguments: [since.timeIntervalSince1970]
            )
            return rows.map { row in
                FeedbackTally(
                    source: row[0], tier: row[1], answerID: row[2], intent: row[3], category: row[4], vote: row[5], reason: row[6],
                    count: row[7]
                )
            }
        }
    }

    private func commit(_ change: @escaping @Sendable (Database) throws -> Void) async throws {
        if let failure = store.failure { throw failure }
        do {
            try await store.commits.commit(change)
        } catch {
            throw error as? StoreError ?? StoreError.unavailable("cannot write feedback: \(error)")
        }
    }
}

extension SQLiteStore {
    /// The answer-feedback port of this store.
    public var feedback: SQLiteFeedbackStore { SQLiteFeedbackStore(store: self) }
}
