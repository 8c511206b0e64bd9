import ChatCore
import Foundation
import HeartlineServer
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Safety
import Testing
import WeChatTestSupport

/// The mini-program page takes part in counsellor handoff: a crisis question opens one, and the
/// page reads the counsellor's messages and the notices from `GET /wechat/miniprogram/messages`
/// (the real application on loopback, a fake WeChat API, the embedded store).
@Suite struct MiniProgramHandoffTests {
    typealias H = WeChatServerHarness
    typealias T = WeChatMiniProgramServerTests

    static func poll(_ client: any TestClientProtocol, token: String?, after: String? = nil) async throws -> (Int, [String: Any]) {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer " + token }
        let query = after.map { "?after=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0) } ?? ""
        let response = try await client.execute(uri: "/wechat/miniprogram/messages" + query, method: .get, headers: headers)
        return (Int(response.status.code), object(response))
    }

    static func messages(_ body: [String: Any]) -> [[String: Any]] { body["messages"] as? [[String: Any]] ?? [] }

    @Test func aCrisisQuestionOpensAHandoffWhoseCounsellorMessagesOnlyItsUserCanPoll() async throws {
        let h = try H(safety: try SafetyLayer.live(configuration: .init()))
        try await h.run(configure: { $0.handoff.token = HandoffAPITests.token }) { client async throws in
            let (_, alice) = try await T.login(client, code: "c-alice")
            let (_, bob) = try await T.login(client, code: "c-bob")
            #expect(try await Self.poll(client, token: alice).1["handoff"] is NSNull)

            let crisis = try #require(try await T.ask(client, token: alice, ["question": "我不想活了，今晚就想结束生命", "idempotencyKey": "k-1"]).1)
            #expect(crisis.tier == "crisis" && crisis.resourceLine == HandoffText.holding(.zh))
            let list = object(try await client.handoff("/v1/handoff/conversations"))
            let conversation = try #require((list["conversations"] as? [[String: Any]])?.first)
            #expect(conversation["channel"] as? String == "miniprogram" && conversation["reason"] as? String == "crisis")
            let id = try #require(conversation["id"] as? String)
            // The holding message came with the answer; the poll does not repeat the bot's replies.
            let opened = try await Self.poll(client, token: alice)
            #expect(opened.0 == 200 && opened.1["handoff"] as? String == "open" && Self.messages(opened.1).isEmpty)

            let sent = object(try await client.handoff("/v1/handoff/conversations/\(id)/messages", body: #"{"text":"你好，我在这里陪你。","counsellor":"王老师"}"#))
            #expect(sent["delivered"] as? Bool == true)
            let seen = Self.messages(try await Self.poll(client, token: alice).1)
            #expect(seen.count == 1)
            let first = try #require(seen.first)
            #expect(first["from"] as? String == "counsellor" && first["text"] as? String == "你好，我在这里陪你。" && first["counsellor"] as? String == "王老师")
            let cursor = try #require(first["id"] as? String)
            // Another user sees nothing of it.
            let other = try await Self.poll(client, token: bob)
            #expect(other.1["handoff"] is NSNull && Self.messages(other.1).isEmpty)
            // After the cursor (an id or a time) only what is new.
            #expect(Self.messages(try await Self.poll(client, token: alice, after: cursor).1).isEmpty)
            #expect(Self.messages(try await Self.poll(client, token: alice, after: "2020-01-01T00:00:00Z").1).count == 1)
            #expect(Self.messages(try await Self.poll(client, token: alice, after: try #require(first["at"] as? String)).1).isEmpty)

            // While it is open, a question gets no model answer: held for the counsellor, or (read in
            // the crisis's context, as here) the safety responder's supportive reply.
            let held = try #require(try await T.ask(client, token: alice, ["question": "你还在吗", "idempotencyKey": "k-2"]).1)
            #expect((held.source == "handoff" && held.answer.isEmpty) || held.source == "concern", "\(held)")
            #expect(h.model.callCount == 0)

            let closed = object(try await client.handoff("/v1/handoff/conversations/\(id)/close", body: #"{"counsellor":"王老师"}"#))
            #expect(closed["delivered"] as? Bool == true)
            let end = try await Self.poll(client, token: alice, after: cursor)
            #expect(end.1["handoff"] as? String == "closed")
            let notice = try #require(Self.messages(end.1).first)
            #expect(Self.messages(end.1).count == 1 && notice["from"] as? String == "bot" && notice["text"] as? String == HandoffText.closed(.zh))
            #expect(notice["counsellor"] == nil)
            // And the bot answers again (here the crisis context still holds: a crisis reply).
            let answered = try #require(try await T.ask(client, token: alice, ["question": "谢谢你们", "idempotencyKey": "k-3"]).1)
            #expect(answered.source != "handoff" && !answered.answer.isEmpty, "\(answered)")
        }
    }

    @Test func askingForAPersonIsMarkedAndATimeoutIsShownByThePoll() async throws {
        let h = try H()
        try await h.run(configure: { $0.handoff.token = HandoffAPITests.token; $0.handoff.checkInterval = .milliseconds(100) }) { client async throws in
            let (_, token) = try await T.login(client, code: "c-carol")
            let holding = try #require(try await T.ask(client, token: token, ["question": "转人工", "idempotencyKey": "r-1"]).1)
            #expect(holding.source == "handoff" && holding.answer == HandoffText.holding(.zh))
            #expect(try await Self.poll(client, token: token).1["handoff"] as? String == "open")
            h.clock.advance(by: 601)
            // The background check runs every 100 ms; polls stay within the page's rate limit.
            var status: String?
            for _ in 0..<20 where status != "timedOut" {
                try await Task.sleep(for: .milliseconds(250))
                status = try await Self.poll(client, token: token).1["handoff"] as? String
            }
            #expect(status == "timedOut")
            let notice = try #require(Self.messages(try await Self.poll(client, token: token).1).last)
            #expect(notice["from"] as? String == "bot" && notice["text"] as? String == HandoffText.timedOut(.zh))
        }
    }

    @Test func badPollsGetClearErrors() async throws {
        let h = try H()
        try await h.run(configure: { $0.handoff.token = HandoffAPITests.token }) { client async throws in
            #expect(try await Self.poll(client, token: nil).0 == 401)
            #expect(try await Self.poll(client, token: "v2.forged.token").0 == 401)
            let (_, token) = try await T.login(client, code: "c-dave")
            let bad = try await Self.poll(client, token: token, after: "not an id <>")
            #expect(bad.0 == 400 && (bad.1["error"] as? [String: Any])?["code"] as? String == "invalid_field")
            #expect(try await Self.poll(client, token: token, after: String(repeating: "a", count: 200)).0 == 400)
            // An id the handoff does not hold is no cursor at all.
            #expect(try await Self.poll(client, token: token, after: "unknown-id").0 == 200)
        }
        // Without handoffs the endpoint answers, with no handoff: the page stops polling.
        try await h.run { client async throws in
            let (_, token) = try await T.login(client, code: "c-erin")
            let off = try await Self.poll(client, token: token)
            #expect(off.0 == 200 && off.1["handoff"] is NSNull)
            let request = try #require(try await T.ask(client, token: token, ["question": "转人工"]).1)
            #expect(request.source == "model")
        }
    }
}
