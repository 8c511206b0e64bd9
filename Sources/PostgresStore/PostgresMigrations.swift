import Logging
import PostgresNIO

/// Versioned schema changes, applied at start in order. Each runs once, in one transaction with
/// its row in `heartline_schema_migrations`; a transaction-scoped advisory lock makes instances
/// that start at the same moment take turns, so the second one finds everything applied.
/// Never edit a migration that has shipped: add a new one.
enum PostgresMigrations {
    struct Migration: Sendable {
        var version: Int
        var name: String
        var statements: [String]
    }

    /// Arbitrary constant shared by every Heartline instance (`pg_advisory_xact_lock` key).
    static let lockKey: Int = 0x4845_4152_544C_494E  // "HEARTLIN"

    static let all: [Migration] = [
        Migration(version: 1, name: "sessions, inbox, settings", statements: [
            """
            CREATE TABLE heartline_sessions (
                user_hash text PRIMARY KEY,
                body text NOT NULL,
                updated_at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX heartline_sessions_updated ON heartline_sessions (updated_at)",
            """
            CREATE TABLE heartline_sessions_quarantine (
                user_hash text NOT NULL,
                body text NOT NULL,
                quarantined_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            "CREATE INDEX heartline_sessions_quarantine_user ON heartline_sessions_quarantine (user_hash)",
            """
            CREATE TABLE heartline_inbox (
                id text PRIMARY KEY,
                seq bigserial NOT NULL,
                user_hash text,
                origin text NOT NULL,
                keeps_reply boolean NOT NULL,
                entry text,
                recorded_at timestamptz NOT NULL,
                lease_owner text,
                lease_until timestamptz,
                attempts integer NOT NULL DEFAULT 0,
                done_at timestamptz,
                reply text
            )
            """,
            "CREATE INDEX heartline_inbox_pending ON heartline_inbox (seq) WHERE done_at IS NULL",
            "CREATE INDEX heartline_inbox_user_pending ON heartline_inbox (user_hash, seq) WHERE done_at IS NULL",
            "CREATE INDEX heartline_inbox_done ON heartline_inbox (done_at) WHERE done_at IS NOT NULL",
            "CREATE INDEX heartline_inbox_user ON heartline_inbox (user_hash)",
            """
            CREATE TABLE heartline_settings (
                name text PRIMARY KEY,
                value text NOT NULL
            )
            """,
        ]),
        handoffs,
        feedback,
    ]

    /// Applies what is missing; returns the versions applied now.
    @discardableResult
    static func apply(on connection: PostgresConnection, logger: Logger, migrations: [Migration] = all) async throws -> [Int] {
        try await connection.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS heartline_schema_migrations (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                logger: logger
            )
            var applied: Set<Int> = []
            for try await version in try await connection.query("SELECT version FROM heartline_schema_migrations", logger: logger).decode(Int.self) {
                applied.insert(version)
            }
            var now: [Int] = []
            for migration in migrations.sorted(by: { $0.version < $1.version }) where !applied.contains(migration.version) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO heartline_schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: logger
                )
                now.append(migration.version)
            }
            return now
        }
    }
}
