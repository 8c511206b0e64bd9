import GRDB

/// The tables of the embedded store (`heartline.db`). Ids are keyed hashes; message text is kept
/// only in `inbox` (unanswered messages), `replies` (API replies for idempotent retries, for a
/// short window) and `turns` (the bounded session history).
enum StoreSchema {
    static let version = 3

    static let statements = [
        // Messages recorded and not yet answered (push channels), replayed after a restart.
        "CREATE TABLE inbox(id TEXT PRIMARY KEY, user TEXT NOT NULL, recorded_at REAL NOT NULL, entry BLOB NOT NULL) WITHOUT ROWID",
        // Answered message ids per channel, kept for the dedupe window whatever the load.
        "CREATE TABLE dedupe(id TEXT PRIMARY KEY, channel TEXT NOT NULL, at REAL NOT NULL) WITHOUT ROWID",
        "CREATE INDEX dedupe_by_age ON dedupe(channel, at)",
        // Replies to API messages, so that a retry with the same id gets the same answer.
        "CREATE TABLE replies(id TEXT PRIMARY KEY, user TEXT NOT NULL, at REAL NOT NULL, reply BLOB NOT NULL) WITHOUT ROWID",
        "CREATE INDEX replies_by_age ON replies(at)",
        "CREATE INDEX replies_by_user ON replies(user)",
        // Session metadata: the whole `Session` as JSON without its turns, so that fields added to
        // `Session` later are kept without a schema change.
        "CREATE TABLE sessions(user TEXT PRIMARY KEY, updated_at REAL NOT NULL, meta BLOB NOT NULL) WITHOUT ROWID",
        "CREATE INDEX sessions_by_age ON sessions(updated_at)",
        // One row per turn, keyed by the message that produced it: a replay cannot add it twice.
        "CREATE TABLE turns(user TEXT NOT NULL, key TEXT NOT NULL, seq INTEGER NOT NULL, turn BLOB NOT NULL, PRIMARY KEY(user, key)) WITHOUT ROWID",
        "CREATE UNIQUE INDEX turns_in_order ON turns(user, seq)",
        "CREATE TABLE store_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    ]

    /// Changes after version 1, by the version they lead to. Never edit one that has shipped.
    static let upgrades: [Int: [String]] = [2: HandoffSchema.statements, 3: FeedbackSchema.statements]

    /// Creates the tables in a new database, or upgrades an older one, in one transaction;
    /// refuses a database from a newer Heartline.
    static func migrate(_ db: Database) throws {
        let current = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
        if current == version { return }
        guard current < version else {
            throw StoreErrorText.newerSchema(current)
        }
        try db.inTransaction(.immediate) {
            if current == 0 {
                for statement in statements { try db.execute(sql: statement) }
            }
            for next in max(current, 1) + 1 ... version {
                for statement in upgrades[next] ?? [] { try db.execute(sql: statement) }
            }
            try db.execute(sql: "PRAGMA user_version = \(version)")
            return .commit
        }
    }
}

enum StoreErrorText: Error, CustomStringConvertible {
    case newerSchema(Int)

    var description: String {
        switch self {
        case .newerSchema(let v): "heartline.db has schema version \(v), newer than this Heartline (\(StoreSchema.version))"
        }
    }
}
