import ChatCore
import Foundation
import HTTPTypes
import HeartlineServer
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// The counsellors' JSON API and the local channel's pending messages, in process, on the real
/// embedded store.
@Suite struct HandoffAPITests {
    static let token = "handoff-token-0123456789"

    func environment(model: CountingModel = CountingModel(), name: String = #function, configure: (inout HeartlineSettings) -> Void = { _ in }) throws -> TestEnvironment {
        try TestEnvironment(model: model, name: name) { settings in
            settings.handoff.token = Self.token
            configure(&settings)
        }
    }

    @Test func aRequestOpensAHandoffThatACounsellorAnswersAndCloses() async throws {
        let model = CountingModel()
        let env = try environment(model: model)
        try await env.app().test(.router) { client in
            let opened = object(try await client.postLocal(#"{"user":"alice","text":"转人工","id":"h1"}"#))
            #expect((opened["body"] as? String)?.contains("咨询师") == true)
            // Meanwhile the model stays silent.
            let held = object(try await client.postLocal(#"{"user":"alice","text":"最近总是失眠","id":"h2"}"#))
            #expect(held["source"] as? String == "handoff" && held["body"] as? String == "")

            let list = object(try await client.handoff("/v1/handoff/conversations"))
            let conversations = try #require(list["conversations"] as? [[String: Any]])
            #expect(conversations.count == 1)
            let conversation = try #require(conversations.first)
            let id = try #require(conversation["id"] as? String)
            #expect(conversation["channel"] as? String == "local" && conversation["reason"] as? String == "request" && conversation["status"] as? String == "open")
            #expect((conversation["openedAt"] as? String)?.hasSuffix("Z") == true)
            let messages = try #require(conversation["messages"] as? [[String: Any]])
            #expect(messages.map { $0["from"] as? String } == ["user", "bot", "user"])
            #expect(messages.last?["text"] as? String == "最近总是失眠" && messages.last?["at"] is String)

            let sent = try await client.handoff("/v1/handoff/conversations/\(id)/messages", body: #"{"text":"你好，我是王老师，我在这里陪你。","counsellor":"王老师"}"#)
            #expect(sent.status == .ok)
            #expect(object(sent)["delivered"] as? Bool == true)
            let pending = object(try await client.execute(uri: "/v1/local/messages?user=alice", method: .get))
            let delivered = try #require(pending["messages"] as? [[String: Any]])
            #expect(delivered.count == 1 && (delivered.first?["text"] as? String)?.contains("你好，我是王老师") == true)
            #expect((object(try await client.execute(uri: "/v1/local/messages?user=alice", method: .get))["messages"] as? [Any])?.isEmpty == true)

            let closed = try await client.handoff("/v1/handoff/conversations/\(id)/close", body: "")
            #expect(closed.status == .ok && object(closed)["status"] as? String == "closed")
            let notice = object(try await client.execute(uri: "/v1/local/messages?user=alice", method: .get))["messages"] as? [[String: Any]]
            #expect((notice?.first?["text"] as? String)?.contains("结束") == true)
            // The bot answers again.
            let answered = object(try await client.postLocal(#"{"user":"alice","text":"还是睡不着","id":"h3"}"#))
            #expect(answered["body"] as? String == "回答：还是睡不着")
            #expect((object(try await client.handoff("/v1/handoff/conversations"))["conversations"] as? [Any])?.isEmpty == true)
            let all = object(try await client.handoff("/v1/handoff/conversations?status=all"))["conversations"] as? [[String: Any]]
            let audit = all?.first?["messages"] as? [[String: Any]]
            #expect(audit?.contains { $0["from"] as? String == "counsellor" && $0["counsellor"] as? String == "王老师" } == true)
            #expect(try await client.handoff("/v1/handoff/conversations/\(id)/messages", body: #"{"text":"还在吗","counsellor":"王老师"}"#).status == .conflict)
        }
        #expect(model.calls == 1)
    }

    @Test func badRequestsGetClearErrors() async throws {
        let env = try environment()
        try await env.app().test(.router) { client in
            _ = try await client.postLocal(#"{"user":"bob","text":"/human","id":"b1"}"#)
            let id = try #require(((object(try await client.handoff("/v1/handoff/conversations"))["conversations"] as? [[String: Any]])?.first?["id"]) as? String)
            let path = "/v1/handoff/conversations/\(id)/messages"
            #expect(try await client.handoff("/v1/handoff/conversations", token: nil).status == .unauthorized)
            #expect(try await client.handoff("/v1/handoff/conversations", token: "wrong-token-0123456789").status == .unauthorized)
            #expect(try await client.handoff(path, body: #"{"text":"hi","counsellor":"W"}"#, token: nil).status == .unauthorized)
            let cases: [(String, String)] = [
                (#"{"text":"hi""#, "invalid_json"),
                (#"{"counsellor":"W"}"#, "invalid_field"),
                (#"{"text":"   ","counsellor":"W"}"#, "invalid_field"),
                (#"{"text":"hi","counsellor":""}"#, "invalid_field"),
                (#"{"text":"hi","counsellor":"a\nb"}"#, "invalid_field"),
                (#"{"text":42,"counsellor":"W"}"#, "invalid_field"),
                ("{\"text\":\"" + String(repeating: "长", count: 4001) + "\",\"counsellor\":\"W\"}", "invalid_field"),
            ]
            for (body, code) in cases {
                let response = try await client.handoff(path, body: body)
                #expect(response.status == .badRequest && errorCode(response) == code, "\(body.prefix(40))")
            }
            let wrongType = try await client.handoff(path, body: #"{"text":"hi","counsellor":"W"}"#, contentType: "text/plain")
            #expect(wrongType.status == .unsupportedMediaType)
            #expect(try await client.handoff("/v1/handoff/conversations/0000aaaa-0000/messages", body: #"{"text":"hi","counsellor":"W"}"#).status == .notFound)
            #expect(try await client.handoff("/v1/handoff/conversations/..%2F..%2Fetc/close", body: "").status == .notFound)
            #expect(try await client.handoff("/v1/handoff/conversations?status=weird").status == .badRequest)
            #expect(try await client.execute(uri: "/v1/local/messages", method: .get).status == .badRequest)
        }
    }

    @Test func withoutATokenTheConsoleAndAPIAreOff() async throws {
        let model = CountingModel()
        let env = try TestEnvironment(model: model)
        try await env.app().test(.router) { client in
            #expect(try await client.handoff("/v1/handoff/conversations").status == .notFound)
            #expect(try await client.execute(uri: "/console/", method: .get).status == .notFound)
            let reply = object(try await client.postLocal(#"{"user":"carol","text":"转人工","id":"c1"}"#))
            #expect(reply["source"] as? String == "model")
        }
    }

    @Test func theConsolePageIsServedWithTheAPI() async throws {
        let env = try environment()
        try await env.app().test(.router) { client in
            let page = try await client.execute(uri: "/console/", method: .get)
            #expect(page.status == .ok && String(buffer: page.body).contains("console.js"))
            #expect(try await client.execute(uri: "/console/console.js", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/console/secret.txt", method: .get).status == .notFound)
        }
    }

    @Test func metricsCountOpenHandoffsAndTheFirstReply() async throws {
        let env = try environment()
        try await env.app().test(.router) { client in
            _ = try await client.postLocal(#"{"user":"dan","text":"人工客服","id":"d1"}"#)
            let id = try #require(((object(try await client.handoff("/v1/handoff/conversations"))["conversations"] as? [[String: Any]])?.first?["id"]) as? String)
            _ = try await client.handoff("/v1/handoff/conversations/\(id)/messages", body: #"{"text":"在的","counsellor":"W"}"#)
            let text = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(text.contains("heartline_handoffs_open 1"))
            #expect(text.contains(#"heartline_handoffs_opened_total{channel="local",reason="request"} 1"#))
            #expect(text.contains("heartline_handoff_first_reply_seconds_count 1"))
        }
    }
}

extension TestClientProtocol {
    /// A call to the handoff API: GET without a body, POST with one.
    func handoff(_ uri: String, body: String? = nil, token: String? = HandoffAPITests.token, contentType: String = "application/json") async throws -> TestResponse {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer " + token }
        guard let body else { return try await execute(uri: uri, method: .get, headers: headers) }
        headers[.contentType] = contentType
        return try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }
}
