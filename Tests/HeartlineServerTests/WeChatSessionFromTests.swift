import ChatCore
import Foundation
import HeartlineServer
import Testing
import WeChatAdapter
import WeChatTestSupport

/// The contact button's `session-from` reaches the customer-service chat: a user who comes from
/// the Q&A page is greeted as a continuation; other sources get the plain greeting.
@Suite struct WeChatSessionFromTests {
    typealias H = WeChatServerHarness

    @Test func usersFromTheQuestionPageAreGreetedAsAContinuation() async throws {
        let h = try H()
        try await h.run { client async throws in
            let fromPage = WeChatPushBuilder.eventMessage(
                format: .json, to: H.toUser, from: "oUserRita", createTime: h.nowSeconds, event: "user_enter_tempsession",
                sessionFrom: WeChatMessenger.questionPageSource
            )
            try await H.post(client, try h.push(fromPage))
            try await H.eventually("the greeting") { h.fake.sent.count == 1 }
            #expect(h.fake.sent[0].content.hasPrefix("欢迎从问答页面过来"))
            #expect(h.fake.sent[0].content.contains(ReplyCatalog.text(.greeting, .zh)))

            let elsewhere = WeChatPushBuilder.eventMessage(
                format: .xml, to: H.toUser, from: "oUserSam", createTime: h.nowSeconds, event: "user_enter_tempsession", sessionFrom: "other-page"
            )
            try await H.post(client, try h.push(elsewhere, format: .xml))
            try await H.eventually("the second greeting") { h.fake.sent.count == 2 }
            #expect(h.fake.sent[1].content == ReplyCatalog.text(.greeting, .zh) + "\n\n" + ReplyCatalog.text(.disclaimer, .zh))
        }
    }
}
