import ChatCore
import Foundation
import HTTPTypes
import HeartlineServer
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

/// No counsellor within `handoff.timeoutMinutes`: the background check tells the user at once and
/// the bot answers again; the handoff stays visible and a counsellor's message opens it again.
/// The service's clock is moved, not waited for.
@Suite struct HandoffTimeoutTests {
    @Test func theCheckTimesOutAWaitingUserAndACounsellorCanStillStepIn() async throws {
        let model = CountingModel()
        let clock = ManualClock()
        var env = try TestEnvironment(model: model) { settings in
            settings.handoff.token = HandoffAPITests.token
            settings.handoff.checkInterval = .milliseconds(50)
        }
        env.dependencies.now = { clock.now }
        try await env.app().test(.router) { client in
            _ = try await client.postLocal(#"{"user":"eve","text":"转人工","id":"t1"}"#)
            let outbox = "/v1/local/messages?user=eve"
            clock.advance(599)
            try await Task.sleep(for: .milliseconds(200))
            #expect((object(try await client.execute(uri: outbox, method: .get))["messages"] as? [Any])?.isEmpty == true)

            clock.advance(2)
            var notice: [[String: Any]] = []
            for _ in 0..<100 where notice.isEmpty {
                try await Task.sleep(for: .milliseconds(20))
                notice = object(try await client.execute(uri: outbox, method: .get))["messages"] as? [[String: Any]] ?? []
            }
            #expect(notice.count == 1 && (notice.first?["text"] as? String)?.contains("没能回复") == true)
            let conversation = try #require((object(try await client.handoff("/v1/handoff/conversations"))["conversations"] as? [[String: Any]])?.first)
            #expect(conversation["status"] as? String == "timedOut")
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(metrics.contains("heartline_handoffs_timed_out_total 1"))

            // The bot answers again, and the exchange stays visible to counsellors.
            let answered = object(try await client.postLocal(#"{"user":"eve","text":"睡不着","id":"t2"}"#))
            #expect(answered["body"] as? String == "回答：睡不着")
            // A counsellor's message opens it again: the bot steps back.
            let id = try #require(conversation["id"] as? String)
            let sent = object(try await client.handoff("/v1/handoff/conversations/\(id)/messages", body: #"{"text":"我来了","counsellor":"W"}"#))
            #expect(sent["delivered"] as? Bool == true)
            let held = object(try await client.postLocal(#"{"user":"eve","text":"谢谢","id":"t3"}"#))
            #expect(held["source"] as? String == "handoff")
            let messages = (object(try await client.handoff("/v1/handoff/conversations"))["conversations"] as? [[String: Any]])?.first?["messages"] as? [[String: Any]]
            #expect(messages?.compactMap { $0["from"] as? String } == ["user", "bot", "bot", "user", "bot", "counsellor", "user"])
        }
        #expect(model.calls == 1)
    }
}

/// A clock that moves only when the test moves it (real time never leaks into the timeout).
final class ManualClock: Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
    var now: Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}
