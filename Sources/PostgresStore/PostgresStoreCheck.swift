import Foundation
import Logging
import PostgresNIO

/// `heartline store migrate` and `heartline store check` on PostgreSQL: apply the schema
/// migrations, and verify the schema and the inbox's invariants. Both use a short-lived connection
/// of their own and are safe while instances run (the check only reads).
extension PostgresStore {
    public struct CheckReport: Sendable, CustomStringConvertible {
        /// Lines that describe what was found.
        public var facts: [String] = []
        /// Invariants that do not hold; the check fails when there is any.
        public var problems: [String] = []
        public var ok: Bool { problems.isEmpty }

        public var description: String {
            (facts.map { "  " + $0 } + problems.map { "  problem: " + $0 } + [ok ? "ok" : "\(problems.count) problem(s)"])
                .joined(separator: "\n")
        }
    }

    /// The newest schema version this build knows.
    public static var latestSchemaVersion: Int { PostgresMigrations.all.map(\.version).max() ?? 0 }

    /// Applies missing migrations (waiting up to `timeout` for the database); returns the versions
    /// applied now (empty: the schema was current).
    public static func migrate(
        _ configuration: PostgresStoreConfiguration, timeout: Duration = .seconds(10),
        logger: Logger = Logger(label: "heartline.store.postgres")
    ) async throws -> [Int] {
        try await prepare(configuration, timeout: timeout, logger: logger)
    }

    /// Reads the schema and the inbox and reports what does not hold.
    public static func check(
        _ configuration: PostgresStoreConfiguration, logger: Logger = Logger(label: "heartline.store.postgres")
    ) async throws -> CheckReport {
        let queryLogger = quiet(logger)
        return try await withDeadline(configuration.requestTimeout * 6, "check the store") {
            try await withConnection(configuration, logger: queryLogger) { connection in
                try await check(on: connection, logger: queryLogger)
            }
        }
    }

    private static func check(on connection: PostgresConnection, logger: Logger) async throws -> CheckReport {
        var report = CheckReport()
        func count(_ query: PostgresQuery) async throws -> Int {
            try await first(connection.query(query, logger: logger).decode(Int.self)) ?? 0
        }
        let hasTable = try await count("SELECT count(*) FROM pg_tables WHERE tablename = 'heartline_schema_migrations'") > 0
        guard hasTable else {
            report.problems.append("no Heartline schema in this database (run `heartline store migrate`, or start `heartline serve`)")
            return report
        }
        var versions: [Int] = []
        for try await version in try await connection.query("SELECT version FROM heartline_schema_migrations ORDER BY version", logger: logger).decode(Int.self) {
            versions.append(version)
        }
        let known = Set(PostgresMigrations.all.map(\.version))
        report.facts.append("schema versions: \(versions.map(String.init).joined(separator: ",")) (this build knows up to \(latestSchemaVersion))")
        let missing = known.subtracting(versions).sorted()
        if !missing.isEmpty { report.problems.append("migrations not applied: \(missing.map(String.init).joined(separator: ",")) (run `heartline store migrate`)") }
        let unknown = Set(versions).subtracting(known).sorted()
        if !unknown.isEmpty { report.problems.append("schema versions newer than this build: \(unknown.map(String.init).joined(separator: ",")) (upgrade this instance)") }
        guard missing.isEmpty else { return report }

        let pending = try await count("SELECT count(*) FROM heartline_inbox WHERE done_at IS NULL")
        let oldest = try await first(connection.query(
            "SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(recorded_at)), 0)::float8 FROM heartline_inbox WHERE done_at IS NULL", logger: logger
        ).decode(Double.self)) ?? 0
        let answered = try await count("SELECT count(*) FROM heartline_inbox WHERE done_at IS NOT NULL")
        let leased = try await count("SELECT count(*) FROM heartline_inbox WHERE done_at IS NULL AND lease_until >= now()")
        let retried = try await count("SELECT count(*) FROM heartline_inbox WHERE done_at IS NULL AND attempts >= 3")
        report.facts.append("inbox: \(pending) unanswered (oldest \(Int(oldest)) s, \(leased) under lease, \(retried) tried 3 times or more), \(answered) answered kept for dedupe")
        let sessions = try await count("SELECT count(*) FROM heartline_sessions")
        let quarantined = try await count("SELECT count(*) FROM heartline_sessions_quarantine")
        report.facts.append("sessions: \(sessions) (\(quarantined) quarantined)")

        // An unanswered entry without its message can never be answered.
        let lost = try await count("SELECT count(*) FROM heartline_inbox WHERE done_at IS NULL AND entry IS NULL")
        if lost > 0 { report.problems.append("\(lost) unanswered inbox entries have no message text (they cannot be answered)") }
        // Message text is cleared when a message is answered.
        let kept = try await count("SELECT count(*) FROM heartline_inbox WHERE done_at IS NOT NULL AND entry IS NOT NULL")
        if kept > 0 { report.problems.append("\(kept) answered inbox entries still hold their message text") }
        // Leases belong to unanswered entries only, and always come with an owner.
        let strayLeases = try await count("SELECT count(*) FROM heartline_inbox WHERE (lease_until IS NULL) <> (lease_owner IS NULL) OR (done_at IS NOT NULL AND lease_owner IS NOT NULL)")
        if strayLeases > 0 { report.problems.append("\(strayLeases) inbox entries have an inconsistent lease") }
        // Per-user order: at most one entry of a user under an unexpired lease.
        let doubled = try await count(
            "SELECT count(*) FROM (SELECT user_hash FROM heartline_inbox WHERE done_at IS NULL AND lease_until >= now() GROUP BY user_hash HAVING count(*) > 1) t"
        )
        if doubled > 0 { report.problems.append("\(doubled) users have more than one message under lease at once") }
        let key = try await count("SELECT count(*) FROM heartline_settings WHERE name = 'hash.key'")
        report.facts.append(key > 0 ? "hash key: kept in heartline_settings" : "hash key: not in the database (configured on each instance)")
        return report
    }
}
