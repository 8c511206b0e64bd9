/// The embedded store's handoff tables (schema version 2). A handoff's state is one row (`meta`:
/// the `Handoff` as JSON without its messages); its conversation is one row per message, keyed by
/// the message id so that a replayed message is not added twice.
enum HandoffSchema {
    static let statements = [
        "CREATE TABLE handoffs(id TEXT PRIMARY KEY, user TEXT NOT NULL, status TEXT NOT NULL, updated_at REAL NOT NULL, meta BLOB NOT NULL) WITHOUT ROWID",
        "CREATE INDEX handoffs_by_user ON handoffs(user, updated_at)",
        "CREATE INDEX handoffs_by_status ON handoffs(status, updated_at)",
        "CREATE TABLE handoff_messages(handoff TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, message BLOB NOT NULL, PRIMARY KEY(handoff, id)) WITHOUT ROWID",
        "CREATE INDEX handoff_messages_in_order ON handoff_messages(handoff, seq)",
    ]
}
