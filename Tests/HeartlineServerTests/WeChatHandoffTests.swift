import ChatCore
import Foundation
import HeartlineServer
import Hummingbird
import HummingbirdTesting
import Testing
import WeChatTestSupport

/// A counsellor's message to a WeChat customer-service user goes out through the
/// customer-service API; when WeChat's 48-hour reply window has passed, the API says so.
@Suite struct WeChatHandoffTests {
    typealias H = WeChatServerHarness

    @Test func counsellorMessagesUseCustomerServiceAndReportAClosedWindow() async throws {
        let h = try H()
        try await h.run(configure: { $0.wechat.typing = false; $0.handoff.token = HandoffAPITests.token }) { client async throws in
            try await H.post(client, try h.textPush("转人工", msgID: 2001))
            try await H.eventually("the holding message") { h.fake.sent.count == 1 }
            #expect(h.fake.sent[0].content.contains("咨询师"))
            let list = object(try await client.handoff("/v1/handoff/conversations"))
            let conversation = try #require((list["conversations"] as? [[String: Any]])?.first)
            #expect(conversation["channel"] as? String == "wechat")
            let id = try #require(conversation["id"] as? String)

            h.fake.script(.send, .errcode(45015))
            let refused = object(try await client.handoff("/v1/handoff/conversations/\(id)/messages", body: #"{"text":"你好，我是咨询师。","counsellor":"李老师"}"#))
            #expect(refused["delivered"] as? Bool == false)
            #expect((refused["reason"] as? String)?.contains("48-hour") == true)

            let sent = object(try await client.handoff("/v1/handoff/conversations/\(id)/messages", body: #"{"text":"你好，我在。","counsellor":"李老师"}"#))
            #expect(sent["delivered"] as? Bool == true)
            try await H.eventually("the counsellor's message") { h.fake.sent.count == 2 }
            #expect(h.fake.sent[1].content == "【咨询师 李老师】你好，我在。" && h.fake.sent[1].touser == "oUserAlice")
            // Both messages are on record for the audit, delivered or not.
            let record = object(try await client.handoff("/v1/handoff/conversations"))
            let messages = ((record["conversations"] as? [[String: Any]])?.first?["messages"] as? [[String: Any]]) ?? []
            #expect(messages.filter { $0["from"] as? String == "counsellor" }.count == 2)
        }
    }
}
