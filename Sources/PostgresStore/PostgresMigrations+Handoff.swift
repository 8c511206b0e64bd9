extension PostgresMigrations {
    /// Counsellor handoffs: one row per handoff (its state as JSON) and one row per message, keyed
    /// by the message id so that a replayed message is not added twice.
    static let handoffs = Migration(version: 2, name: "handoffs", statements: [
        """
        CREATE TABLE heartline_handoffs (
            id text PRIMARY KEY,
            user_hash text NOT NULL,
            status text NOT NULL,
            updated_at timestamptz NOT NULL,
            body text NOT NULL
        )
        """,
        "CREATE INDEX heartline_handoffs_user ON heartline_handoffs (user_hash, updated_at)",
        "CREATE INDEX heartline_handoffs_status ON heartline_handoffs (status, updated_at)",
        """
        CREATE TABLE heartline_handoff_messages (
            handoff_id text NOT NULL REFERENCES heartline_handoffs (id) ON DELETE CASCADE,
            id text NOT NULL,
            seq bigserial NOT NULL,
            body text NOT NULL,
            PRIMARY KEY (handoff_id, id)
        )
        """,
        "CREATE INDEX heartline_handoff_messages_order ON heartline_handoff_messages (handoff_id, seq)",
    ])
}
