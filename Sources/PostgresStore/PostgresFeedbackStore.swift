import ChatCore
import Foundation
import Logging
import PostgresNIO

/// Answer feedback as rows of `heartline_feedback`: one per user and answer; a second vote
/// replaces the first (upsert), whichever instance takes it.
public struct PostgresFeedbackStore: FeedbackStore {
    let pool: PoolHolder
    let queryLogger: Logger

    public func record(_ feedback: AnswerFeedback) async throws {
        let a = feedback.answer
        let query: PostgresQuery = """
            INSERT INTO heartline_feedback
                (user_hash, reply_key, vote, reason, source, tier, channel, answer_id, intent, category, answered_at, voted_at)
            VALUES (\(feedback.user.value), \(feedback.replyKey), \(feedback.vote.rawValue), \(feedback.reason?.rawValue),
                \(a.source.rawValue), \(a.tier.rawValue), \(a.channel.rawValue), \(a.answerID), \(a.intent), \(a.category),
                \(a.answeredAt), \(feedback.votedAt))
            ON CONFLICT (user_hash, reply_key)
            DO UPDATE SET vote = EXCLUDED.vote, reason = EXCLUDED.reason, voted_at = EXCLUDED.voted_at
            """
        try await run("write feedback") {
            try await pool.query(query, "write feedback", logger: queryLogger) { _ in }
        }
    }

    public func delete(_ user: UserHash) async throws {
        try await run("delete feedback") {
            try await pool.query("DELETE FROM heartline_feedback WHERE user_hash = \(user.value)", "delete feedback", logger: queryLogger) { _ in }
        }
    }

    public func prune(votedBefore cutoff: Date) async throws -> Int {
        try await run("prune feedback") {
            try await pool.query(
                "WITH gone AS (DELETE FROM heartline_feedback WHERE voted_at < \(cutoff) RETURNING 1) SELECT count(*)::bigint FROM gone",
                "prune feedback", logger: queryLogger
            ) { rows in
                var removed: Int64 = 0
                for try await count in rows.decode(Int64.self) { removed = count }
                return Int(removed)
            }
        }
    }

    public func tallies(since: Date) async throws -> [FeedbackTally] {
        try await run("read feedback") {
            try await pool.query(Self.talliesQuery(since: since), "read feedback", logger: queryLogger, read: Self.decodeTallies)
        }
    }

    static func talliesQuery(since: Date) -> PostgresQuery {
        """
        SELECT source, tier, answer_id, intent, category, vote, reason, count(*)::bigint FROM heartline_feedback
        WHERE voted_at >= \(since)
        GROUP BY source, tier, answer_id, intent, category, vote, reason
        """
    }

    @Sendable static func decodeTallies(_ rows: PostgresRowSequence) async throws -> [FeedbackTally] {
        var out: [FeedbackTally] = []
        let typed = rows.decode((String, String, String?, String?, String?, String, String?, Int64).self)
        for try await (source, tier, answerID, intent, category, vote, reason, count) in typed {
            out.append(FeedbackTally(
                source: source, tier: tier, answerID: answerID, intent: intent, category: category, vote: vote, reason: reason,
                count: Int(count)
            ))
        }
        return out
    }

    private func run<T>(_ what: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.unavailable("cannot \(what): \(PostgresStore.describe(error))")
        }
    }
}

extension PostgresStore {
    /// The answer-feedback port of this store (shares the store's pool).
    public var feedback: PostgresFeedbackStore { PostgresFeedbackStore(pool: pool, queryLogger: queryLogger) }

    /// `heartline feedback report` on PostgreSQL: the tallies through a short-lived connection of
    /// its own, safe beside running instances (it only reads).
    public static func feedbackTallies(
        _ configuration: PostgresStoreConfiguration, since: Date, logger: Logger = Logger(label: "heartline.store.postgres")
    ) async throws -> [FeedbackTally] {
        let queryLogger = quiet(logger)
        do {
            return try await withDeadline(configuration.requestTimeout * 6, "read feedback") {
                try await withConnection(configuration, logger: queryLogger) { connection in
                    let rows = try await connection.query(PostgresFeedbackStore.talliesQuery(since: since), logger: queryLogger)
                    return try await PostgresFeedbackStore.decodeTallies(rows)
                }
            }
        } catch {
            throw StoreError.unavailable(
                "cannot read feedback from \(configuration): \(describe(error)) (a schema older than version 3 has no feedback table: run `heartline store migrate`)"
            )
        }
    }
}
