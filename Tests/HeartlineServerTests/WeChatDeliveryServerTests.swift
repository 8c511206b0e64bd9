import ChatCore
import Foundation
import HeartlineServer
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import WeChatAdapter
import WeChatTestSupport

/// Customer-service delivery through the running server when WeChat answers errors.
@Suite struct WeChatDeliveryServerTests {
    typealias H = WeChatServerHarness

    @Test func expiredTokenIsRefreshedAndTheAnswerSentOnce() async throws {
        let h = try H()
        try await h.run(configure: { $0.wechat.typing = false }) { client async throws in
            try await H.post(client, try h.textPush("第一个问题", msgID: 1001))
            try await H.eventually("the first answer") { h.fake.sent.count == 1 }
            h.fake.expireTokens()
            try await H.post(client, try h.textPush("第二个问题", msgID: 1002))
            try await H.eventually("the second answer") { h.fake.sent.count == 2 }
            // One token at start and one after the rejection. Counted as tokens issued, not as
            // fetches: on a loaded machine a first fetch past its timeout fails the send, and the
            // delivery retry fetches again and gets the same token back — not a second refresh.
            #expect(h.fake.issuedTokens == 2)
            #expect(h.fake.calls(.stableToken) >= 2)
            #expect(h.fake.tokenRejections == 1)
            #expect(h.fake.sent.count == 2, "each answer sent once")
        }
    }

    @Test(arguments: [45015, 45047])
    func windowAndQuotaErrorsAreNotRetried(_ code: Int) async throws {
        let h = try H()
        try await h.run(configure: { $0.wechat.typing = false }) { client async throws in
            h.fake.script(.send, .errcode(code))
            try await H.post(client, try h.textPush("问题", msgID: 1101))
            try await H.post(client, try h.textPush("下一个", msgID: 1102))
            try await H.eventually("the next answer") { h.fake.sent.count == 1 }
            #expect(h.fake.calls(.send) == 2)  // the refused one was tried exactly once
            #expect(h.fake.sent[0].content.hasPrefix("回答：下一个"))
        }
    }

    @Test func tooLongAnswersAreSplitFurther() async throws {
        let h = try H(fake: FakeWeChatAPI(maxContentBytes: 700))
        h.model.answer(with: String(repeating: "先照顾好自己的身体，再慢慢处理情绪。", count: 60))  // 3240 bytes
        try await h.run(configure: { $0.wechat.typing = false }) { client async throws in
            try await H.post(client, try h.textPush("长回答", msgID: 1201))
            let disclaimer = ReplyCatalog.text(.disclaimer, .zh)
            try await H.eventually("the last piece") { h.fake.sent.last?.content.hasSuffix(disclaimer) == true }
            #expect(h.fake.sent.count > 5)  // more pieces than the first split made: 45002 split them further
            #expect(h.fake.sent.allSatisfy { $0.content.utf8.count <= 700 })
            let text = h.fake.sent.map(\.content).joined().filter { !$0.isWhitespace }
            #expect(text == (String(repeating: "先照顾好自己的身体，再慢慢处理情绪。", count: 60) + disclaimer).filter { !$0.isWhitespace })
        }
    }

    @Test func busyAndServerErrorsAreRetried() async throws {
        let h = try H()
        try await h.run(configure: { $0.wechat.typing = false }) { client async throws in
            h.fake.script(.send, .errcode(-1), .status(503))
            try await H.post(client, try h.textPush("重试", msgID: 1301))
            try await H.eventually("the answer") { h.fake.sent.count == 1 }
            #expect(h.fake.calls(.send) == 3)
        }
    }

    @Test func slowWeChatIsRetriedAfterTheTimeout() async throws {
        let h = try H()
        try await h.run(configure: { $0.wechat.typing = false; $0.wechat.apiTimeout = .milliseconds(500) }) { client async throws in
            h.fake.script(.send, .delay(.milliseconds(1500)))
            try await H.post(client, try h.textPush("慢", msgID: 1401))
            // The abandoned first call still completes at the fake after its delay, so wait for the
            // retry itself: under load it can come after the slow call's late completion.
            try await H.eventually("the answer, sent again after the timeout") { h.fake.calls(.send) >= 2 && h.fake.sent.count >= 1 }
            #expect(h.fake.calls(.send) >= 2)
        }
    }
}
