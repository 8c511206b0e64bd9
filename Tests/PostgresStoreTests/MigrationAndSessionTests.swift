import ChatCore
import Foundation
import PostgresStore
import PostgresTestSupport
import Storage
import Testing

@Suite(.enabled(if: PostgresTestServer.isAvailable, Comment(rawValue: PostgresTestServer.unavailableReason ?? "")), .timeLimit(.minutes(2))) struct MigrationAndSessionTests {
    @Test func migrationsAreIdempotentAndSafeWhenInstancesStartTogether() async throws {
        let server = try #require(try await server(), "the gate said PostgreSQL is available")
        let name = PostgresTestServer.databaseName()
        let configuration = try PostgresStoreConfiguration(url: try await server.createDatabase(name))
        let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<6 { group.addTask { try await PostgresStore.prepare(configuration) } }
            return try await group.reduce(into: [[Int]]()) { $0.append($1) }
        }
        // Exactly one instance applied each migration; the others found it done.
        #expect(applied.filter { !$0.isEmpty }.count == 1)
        #expect(applied.flatMap { $0 } == [1, 2, 3])
        #expect(try await PostgresStore.prepare(configuration) == [])
        #expect(try await server.psql("SELECT string_agg(version::text, ',') FROM heartline_schema_migrations", database: name) == "1,2,3")
    }

    @Test func sessionsSaveLoadDeleteSweepAndQuarantine() async throws {
        let server = try #require(try await server(), "the gate said PostgreSQL is available")
        let (name, configuration) = try await freshDatabase(on: server)
        let store = makeStore(configuration)
        try await running([store]) {
            let alice = testHasher.hash("local:alice")
            let bob = testHasher.hash("local:bob")
            #expect(try await store.sessions.load(alice) == nil)
            var session = Session(now: Date(timeIntervalSince1970: 1_700_000_000))
            session.append(Turn(question: "睡不着", answer: "听起来很辛苦", at: Date(timeIntervalSince1970: 1_700_000_001)), limits: SessionLimits())
            try await store.sessions.save(session, for: alice)
            #expect(try await store.sessions.load(alice) == session)
            session.disclaimerShown = true
            try await store.sessions.save(session, for: alice)
            #expect(try await store.sessions.load(alice)?.disclaimerShown == true)
            try await store.sessions.save(Session(now: Date()), for: bob)

            // Nothing idle yet; then everything saved before the cutoff goes.
            #expect(try await store.sessions.sweep(idleSince: Date().addingTimeInterval(-3600)) == 0)
            try await server.psql("UPDATE heartline_sessions SET updated_at = now() - interval '2 days' WHERE user_hash = '\(bob.value)'", database: name)
            #expect(try await store.sessions.sweep(idleSince: Date().addingTimeInterval(-3600)) == 1)
            #expect(try await store.sessions.load(bob) == nil)

            // A body that cannot be read is set aside, not crashed on; delete removes it too.
            try await server.psql("UPDATE heartline_sessions SET body = '{not json' WHERE user_hash = '\(alice.value)'", database: name)
            #expect(try await store.sessions.load(alice) == nil)
            #expect(try await server.psql("SELECT count(*) FROM heartline_sessions_quarantine", database: name) == "1")
            try await store.sessions.delete(alice)
            #expect(try await server.psql("SELECT count(*) FROM heartline_sessions_quarantine", database: name) == "0")
            // Only keyed hashes are stored, never the platform id.
            #expect(try await server.psql("SELECT count(*) FROM heartline_sessions WHERE user_hash LIKE '%alice%'", database: name) == "0")
        }
    }
}
