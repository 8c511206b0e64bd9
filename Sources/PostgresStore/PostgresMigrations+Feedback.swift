extension PostgresMigrations {
    /// Answer feedback: one row per user and answer (a second vote replaces the first), with what
    /// produced the answer and never its text.
    static let feedback = Migration(version: 3, name: "answer feedback", statements: [
        """
        CREATE TABLE heartline_feedback (
            user_hash text NOT NULL,
            reply_key text NOT NULL,
            vote text NOT NULL,
            reason text,
            source text NOT NULL,
            tier text NOT NULL,
            channel text NOT NULL,
            answer_id text,
            intent text,
            category text,
            answered_at timestamptz NOT NULL,
            voted_at timestamptz NOT NULL,
            PRIMARY KEY (user_hash, reply_key)
        )
        """,
        "CREATE INDEX heartline_feedback_voted ON heartline_feedback (voted_at)",
    ])
}
