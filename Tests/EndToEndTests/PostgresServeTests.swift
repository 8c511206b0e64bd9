import Foundation
import HeartlineTestSupport
import PostgresTestSupport
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Two `heartline serve` processes on one PostgreSQL database share the local channel: every
/// message is answered exactly once, whichever instance received it and whichever answered it.
@Suite(.serialized, .enabled(if: PostgresTestServer.isAvailable, Comment(rawValue: PostgresTestServer.unavailableReason ?? "")), .timeLimit(.minutes(3))) struct PostgresServeTests {
    @Test func twoInstancesOnOneDatabaseAnswerEveryMessageExactlyOnce() async throws {
        let server = try #require(try await PostgresTestServer.shared(), "the gate said PostgreSQL is available")
        let database = PostgresTestServer.databaseName()
        let url = try await server.createDatabase(database, options: "poll_ms=500")
        var instances: [(ChildProcess, String)] = []
        for _ in 0..<2 {
            let directory = temporaryDirectory()
            let child = try await ChildProcess(
                Binaries.path("heartline"), ["serve", "--port", "0", "--data-dir", directory],
                environment: ["HEARTLINE_STORE": url], directory: directory
            )
            let banner = try #require(await child.waitForLine { $0.hasPrefix("Heartline is listening on ") }, "no banner; stderr: \(child.errors.suffix(5))")
            let port = try #require(Int(banner.split(separator: ":").last ?? ""))
            instances.append((child, "http://127.0.0.1:\(port)"))
        }
        defer { for (child, _) in instances { child.signal(SIGKILL) } }

        // Ten users, six messages each, sent concurrently to alternating instances: a user's next
        // message often arrives at one instance while the other still answers the previous one.
        let bases = instances.map(\.1)
        let results = await withTaskGroup(of: (String, Int, String?, Bool?).self) { group in
            for user in 0..<10 {
                group.addTask {
                    var last: (String, Int, String?, Bool?) = ("", 0, nil, nil)
                    for i in 0..<6 {
                        let id = "pg-\(user)-\(i)"
                        let body = #"{"user":"u\#(user)","text":"最近压力很大，睡不好 \#(i)","id":"\#(id)"}"#
                        let response = try? await postJSON(bases[(user + i) % 2] + "/v1/local/messages", body)
                        last = (id, response?.0 ?? 0, response?.1["body"] as? String, response?.1["duplicate"] as? Bool)
                        if last.1 != 200 { return last }
                    }
                    return last
                }
            }
            return await group.reduce(into: [(String, Int, String?, Bool?)]()) { $0.append($1) }
        }
        for (id, status, body, duplicate) in results {
            #expect(status == 200, "\(id)")
            #expect(body?.isEmpty == false && duplicate == false, "\(id)")
        }
        // Each answered once; nothing left pending; both instances did some of the work.
        #expect(try await server.psql("SELECT count(*) FROM heartline_inbox WHERE done_at IS NOT NULL AND attempts = 1", database: database) == "60")
        #expect(try await server.psql("SELECT count(*) FROM heartline_inbox WHERE done_at IS NULL OR attempts <> 1", database: database) == "0")
        #expect(try await server.psql("SELECT count(*) FROM heartline_sessions", database: database) == "10")

        // A retry at the other instance gets the stored reply, marked as a duplicate.
        let (first, original) = try await postJSON(bases[0] + "/v1/local/messages", #"{"user":"u0","text":"again","id":"pg-0-5"}"#)
        let (second, retried) = try await postJSON(bases[1] + "/v1/local/messages", #"{"user":"u0","text":"again","id":"pg-0-5"}"#)
        #expect(first == 200 && second == 200)
        #expect(retried["duplicate"] as? Bool == true && retried["body"] as? String == original["body"] as? String)

        for (child, _) in instances {
            child.signal(SIGTERM)
            #expect(await child.waitForExit() == 0)
            #expect(!child.errors.joined().contains("睡不好"))
        }
    }

    /// `heartline ask` on the PostgreSQL store: it shares the sessions (and the hash key) with the
    /// service, so the safety question one call asked is answered by the next call, and it records
    /// nothing in the shared inbox.
    @Test func askUsesTheSharedSessions() async throws {
        let server = try #require(try await PostgresTestServer.shared(), "the gate said PostgreSQL is available")
        let database = PostgresTestServer.databaseName()
        let url = try await server.createDatabase(database, options: "poll_ms=500")
        func ask(_ text: String) async throws -> [String: Any] {
            let directory = temporaryDirectory()
            let child = try await ChildProcess(
                Binaries.path("heartline"), ["ask", text, "--user", "pat", "--data-dir", directory, "--json"],
                environment: ["HEARTLINE_STORE": url], directory: directory
            )
            #expect(await child.waitForExit() == 0, "stderr: \(child.errors.suffix(5))")
            let line = try #require(child.output.first, "stderr: \(child.errors.suffix(5))")
            return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        let crisis = try await ask("我不想活了")
        #expect(crisis["source"] as? String == "crisis")
        // Another process, another data directory: only the database connects the two calls.
        let answer = try await ask("嗯")
        #expect(answer["tier"] as? String == "crisis" && (answer["reply"] as? String ?? "").contains("12356"), "\(answer)")
        #expect(try await server.psql("SELECT count(*) FROM heartline_sessions", database: database) == "1")
        #expect(try await server.psql("SELECT count(*) FROM heartline_inbox", database: database) == "0")
    }
}
