import ChatCore
import Foundation
import HeartlineTestSupport
import PostgresStore
import PostgresTestSupport
import Storage
import Synchronization
import Testing

@Suite(.enabled(if: PostgresTestServer.isAvailable, Comment(rawValue: PostgresTestServer.unavailableReason ?? "")), .timeLimit(.minutes(3))) struct RestartTests {
    /// The database goes away mid-use: the store reports unhealthy, refuses to acknowledge new
    /// messages, reconnects when the database is back, and every acknowledged message is answered.
    /// (Two real instances under load: `EndToEndTests/PostgresRestartTests`.) The cluster is its
    /// own: it is stopped and restarted with `pg_ctl`, awaited without holding a thread.
    @Test func survivesADatabaseRestartWithoutLosingAcknowledgedMessages() async throws {
        let server = try #require(try await PostgresTestServer.start(), "the gate said PostgreSQL is available")
        do {
            try await restart(server)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    private func restart(_ server: PostgresTestServer) async throws {
        let (name, configuration) = try await freshDatabase(on: server, options: "poll_ms=200&lease_ms=5000")
        let health = Locked<[Bool]>([])
        let store = makeStore(configuration) { healthy in health.withLock { $0.append(healthy) } }
        let acknowledged = Locked<Set<String>>([])
        let answered = Locked<[String: Int]>([:])
        let user = { (i: Int) in testHasher.hash("local:user\(i % 7)") }

        func record(_ i: Int) async -> Bool {
            do {
                guard case .accepted(let entry) = try await store.inbox.record(message(user: "user\(i % 7)", id: "m\(i)"), userHash: user(i)) else { return false }
                acknowledged.withLock { _ = $0.insert(entry.id) }
                try await store.workSource.submit(entry)
                return true
            } catch {
                return false
            }
        }

        try await running([store]) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        while let entry = await store.workSource.next() {
                            try? await store.inbox.complete(entry.id, reply: Reply(body: "ok", source: .fixed))
                            answered.withLock { $0[entry.id, default: 0] += 1 }
                            await store.workSource.finished(entry)
                        }
                    }
                }
                #expect(await eventually(timeout: .seconds(20)) { health.withLock { $0.last } == true })
                for i in 0..<20 { #expect(await record(i)) }
                #expect(await eventually(timeout: .seconds(20)) { answered.withLock { $0.count } == 20 })

                try await server.stopServer()
                #expect(await eventually(timeout: .seconds(20)) { health.withLock { $0.last } == false })
                // While the database is down nothing is acknowledged.
                #expect(await record(1000) == false)

                try await server.startServer()
                #expect(await eventually(timeout: .seconds(30)) { health.withLock { $0.last } == true })
                // A platform retries until acknowledged.
                for i in 20..<40 {
                    var ok = false
                    for _ in 0..<100 where !ok {
                        ok = await record(i)
                        if !ok { try? await Task.sleep(for: .milliseconds(100)) }
                    }
                    #expect(ok)
                }
                #expect(await eventually(timeout: .seconds(30)) { answered.withLock { $0.count } >= acknowledged.withLock { $0.count } })
                await store.workSource.close()
                try await group.waitForAll()
            }
        }
        let ack = acknowledged.withLock { $0 }
        let done = answered.withLock { $0 }
        #expect(ack.isSubset(of: Set(done.keys)))
        #expect(done.values.allSatisfy { $0 == 1 })
        #expect(try await server.psql("SELECT count(*) FROM heartline_inbox WHERE done_at IS NULL", database: name) == "0")
        #expect(health.withLock { $0 }.starts(with: [true, false, true]))
    }
}
