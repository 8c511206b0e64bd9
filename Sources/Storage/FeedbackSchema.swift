/// The embedded store's answer-feedback table (schema version 3): one row per user and answer, so
/// a second vote replaces the first. It holds what produced the answer (source, tier, retrieval
/// answer, intent, category), never the question or the answer text.
enum FeedbackSchema {
    static let statements = [
        """
        CREATE TABLE feedback(
            user TEXT NOT NULL, reply TEXT NOT NULL, vote TEXT NOT NULL, reason TEXT,
            source TEXT NOT NULL, tier TEXT NOT NULL, channel TEXT NOT NULL,
            answer_id TEXT, intent TEXT, category TEXT,
            answered_at REAL NOT NULL, voted_at REAL NOT NULL,
            PRIMARY KEY(user, reply)
        ) WITHOUT ROWID
        """,
        "CREATE INDEX feedback_by_time ON feedback(voted_at)",
    ]
}
