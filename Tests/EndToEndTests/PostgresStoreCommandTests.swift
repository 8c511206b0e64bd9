import Foundation
import HeartlineTestSupport
import PostgresTestSupport
import Testing

/// `heartline store migrate` and `heartline store check` on PostgreSQL, through the real binary.
@Suite(.enabled(if: PostgresTestServer.isAvailable, Comment(rawValue: PostgresTestServer.unavailableReason ?? "")), .timeLimit(.minutes(2)))
struct PostgresStoreCommandTests {
    @Test func migrateThenCheckAndAProblemFailsTheCheck() async throws {
        let server = try #require(try await PostgresTestServer.shared(), "the gate said PostgreSQL is available")
        let database = PostgresTestServer.databaseName()
        let url = try await server.createDatabase(database)
        let directory = temporaryDirectory()

        // Before any migration the check says what to do.
        let empty = try await run(["store", "check", "--data-dir", directory], url: url, directory: directory)
        #expect(empty.status == 1)
        #expect(empty.output.contains("heartline store migrate"))

        let first = try await run(["store", "migrate", "--data-dir", directory], url: url, directory: directory)
        #expect(first.status == 0)
        #expect(first.output.contains("applied: 1"))
        let again = try await run(["store", "migrate", "--data-dir", directory], url: url, directory: directory)
        #expect(again.status == 0 && again.output.contains("schema current"))

        let clean = try await run(["store", "check", "--data-dir", directory], url: url, directory: directory)
        #expect(clean.status == 0, "\(clean.output)")
        #expect(clean.output.contains("schema versions: 1"))
        #expect(clean.output.hasSuffix("ok\n") || clean.output.contains("\nok"))

        // An answered entry that still holds its message text is a problem.
        try await server.psql(
            "INSERT INTO heartline_inbox (id, user_hash, origin, keeps_reply, entry, recorded_at, done_at) VALUES ('x', 'u', 'test', false, '{}', now(), now())",
            database: database
        )
        let broken = try await run(["store", "check", "--data-dir", directory], url: url, directory: directory)
        #expect(broken.status == 1)
        #expect(broken.output.contains("problem: 1 answered inbox entries still hold their message text"))
    }

    private func run(_ arguments: [String], url: String, directory: String) async throws -> (status: Int32, output: String) {
        let result = try await runCommand(Binaries.heartline, arguments, environment: ["HEARTLINE_STORE": url], directory: directory, timeout: .seconds(60))
        return (result.status, result.stdout + result.stderr)
    }
}
