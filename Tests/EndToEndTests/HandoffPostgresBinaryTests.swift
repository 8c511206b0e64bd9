import Foundation
import HeartlineTestSupport
import PostgresTestSupport
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The handoff on the PostgreSQL store, through two `heartline serve` processes on one database:
/// a handoff opened through one instance is listed, answered and closed through the other, and
/// outlives both.
@Suite(.serialized, .enabled(if: PostgresTestServer.isAvailable, Comment(rawValue: PostgresTestServer.unavailableReason ?? "")), .timeLimit(.minutes(3)))
struct HandoffPostgresBinaryTests {
    static let token = "pg-handoff-token-0123456789"

    func start(_ url: String) async throws -> (ChildProcess, String) {
        let directory = temporaryDirectory()
        let child = try await ChildProcess(
            Binaries.path("heartline"), ["serve", "--port", "0", "--data-dir", directory, "--no-simulator"],
            environment: ["HEARTLINE_STORE": url, "HEARTLINE_HANDOFF_TOKEN": Self.token], directory: directory
        )
        let banner = try #require(await child.waitForLine { $0.hasPrefix("Heartline is listening on ") }, "no banner; stderr: \(child.errors.suffix(5))")
        return (child, "http://127.0.0.1:" + (banner.split(separator: ":").last ?? ""))
    }

    @Test func aHandoffIsSharedByInstancesAndSurvivesThem() async throws {
        let server = try #require(try await PostgresTestServer.shared(), "the gate said PostgreSQL is available")
        let url = try await server.createDatabase(PostgresTestServer.databaseName(), options: "poll_ms=500")
        let (first, a) = try await start(url)
        defer { first.signal(SIGKILL) }
        let (second, b) = try await start(url)
        defer { second.signal(SIGKILL) }

        let (status, opened) = try await postJSON(a + "/v1/local/messages", #"{"user":"pg-user","text":"人工客服","id":"pg-h1"}"#)
        #expect(status == 200 && (opened["body"] as? String)?.contains("咨询师") == true)
        let (_, held) = try await postJSON(a + "/v1/local/messages", #"{"user":"pg-user","text":"我想聊聊工作上的事","id":"pg-h2"}"#)
        #expect(held["source"] as? String == "handoff")

        let (_, list) = try await call(b + "/v1/handoff/conversations", body: nil, token: Self.token)
        let conversation = try #require((list["conversations"] as? [[String: Any]])?.first)
        let id = try #require(conversation["id"] as? String)
        #expect((conversation["messages"] as? [[String: Any]])?.compactMap { $0["from"] as? String } == ["user", "bot", "user"])
        let (sentStatus, sent) = try await call(b + "/v1/handoff/conversations/\(id)/messages", body: #"{"text":"我在，慢慢说。","counsellor":"赵老师"}"#, token: Self.token)
        #expect(sentStatus == 200 && sent["delivered"] as? Bool == true)

        first.signal(SIGTERM)
        second.signal(SIGTERM)
        #expect(await first.waitForExit() == 0)
        #expect(await second.waitForExit() == 0)

        let (third, c) = try await start(url)
        defer { third.signal(SIGKILL) }
        let (_, again) = try await call(c + "/v1/handoff/conversations", body: nil, token: Self.token)
        let survived = try #require((again["conversations"] as? [[String: Any]])?.first)
        #expect(survived["id"] as? String == id && survived["status"] as? String == "open")
        #expect((survived["messages"] as? [[String: Any]])?.last?["counsellor"] as? String == "赵老师")
        let (closed, _) = try await call(c + "/v1/handoff/conversations/\(id)/close", body: "", token: Self.token)
        #expect(closed == 200)
        let (_, answered) = try await postJSON(c + "/v1/local/messages", #"{"user":"pg-user","text":"最近总是失眠，晚上翻来覆去睡不着","id":"pg-h3"}"#)
        #expect(answered["source"] as? String == "retrieval")
        third.signal(SIGTERM)
        #expect(await third.waitForExit() == 0)
    }
}
