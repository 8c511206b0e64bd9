import ChatCore
import Foundation
import HeartlineServer
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import WeChatAdapter
import WeChatTestSupport

/// The push path end to end through the real server: verify → decrypt → decode → inbox →
/// `success` → worker → model → customer-service send on the fake WeChat API.
@Suite struct WeChatPushServerTests {
    typealias H = WeChatServerHarness

    @Test func urlVerificationEchoesEchostrByteForByte() async throws {
        let h = try H()
        try await h.run { client async throws in
            let ts = String(h.nowSeconds)
            let signature = WeChatSignature.sign([H.token, ts, "1514711492"])
            let uri = "/wechat/push?signature=\(signature)&echostr=4375120948345356249&timestamp=\(ts)&nonce=1514711492"
            try await client.execute(uri: uri, method: .get) { response in
                #expect(response.status == .ok)
                #expect(Array(response.body.readableBytesView) == Array("4375120948345356249".utf8))
            }
            let wrong = "/wechat/push?signature=\(signature)&echostr=4375120948345356249&timestamp=\(ts)&nonce=1514711493"
            try await client.execute(uri: wrong, method: .get) { response in
                #expect(response.status == .forbidden)
                #expect(String(buffer: response.body) != "4375120948345356249")
            }
        }
    }

    @Test(arguments: [WeChatBodyFormat.json, .xml])
    func safeModePushIsAnsweredThroughCustomerService(_ format: WeChatBodyFormat) async throws {
        let h = try H()
        try await h.run { client async throws in
            let (status, body) = try await H.post(client, try h.textPush("最近总是失眠，怎么办？", msgID: 6_054_768_590_064_713_728, format: format))
            #expect(status == 200)
            #expect(body == "success")
            try await H.eventually("the answer") { h.fake.sent.count == 1 }
            let sent = try #require(h.fake.sent.first)
            #expect(sent.touser == "oUserAlice")
            #expect(sent.content.hasPrefix("回答：最近总是失眠，怎么办？"))
            #expect(sent.content.contains(ReplyCatalog.text(.disclaimer, .zh)))
            #expect(h.model.questions == ["最近总是失眠，怎么办？"])
        }
    }

    @Test func threeDeliveriesOfTheSamePushGiveOneAnswer() async throws {
        let h = try H()
        try await h.run { client async throws in
            let push = try h.textPush("和家人吵架了", msgID: 7_300_000_000_000_000_101)
            for _ in 0..<3 {
                let (status, body) = try await H.post(client, push)
                #expect(status == 200 && body == "success")
            }
            // A later message from the same user is answered after the first (per-user order),
            // so once it arrives any duplicate answer would have been sent too.
            try await H.post(client, try h.textPush("谢谢你", msgID: 7_300_000_000_000_000_102))
            try await H.eventually("both answers") { h.fake.sent.count >= 2 }
            #expect(h.fake.sent.map(\.content).filter { $0.hasPrefix("回答：和家人吵架了") }.count == 1)
            #expect(h.fake.sent.count == 2)
            #expect(h.model.callCount == 2)
        }
    }

    @Test func theAcknowledgementDoesNotWaitForASlowModel() async throws {
        let h = try H()
        h.model.hold()
        try await h.run { client async throws in
            let (status, body) = try await H.post(client, try h.textPush("慢慢说", msgID: 201))
            #expect(status == 200 && body == "success")
            try await H.eventually("the model to be called") { h.model.waitingCount == 1 }
            #expect(h.fake.sent.isEmpty)  // acknowledged while the model is still working
            try await H.eventually("the typing indicator") { h.fake.typing.contains("oUserAlice") }
            h.model.release()
            try await H.eventually("the answer") { h.fake.sent.count == 1 }
        }
    }

    @Test func plaintextAndCompatibleModes() async throws {
        let h = try H()
        try await h.run(configure: { $0.wechat.mode = .plaintext }) { client async throws in
            try await H.post(client, try h.textPush("明文 XML", msgID: 301, format: .xml, mode: .plaintext))
            try await H.post(client, try h.textPush("兼容 JSON", msgID: 302, format: .json, mode: .compatible))
            try await H.post(client, try h.textPush("安全 XML", msgID: 303, format: .xml, mode: .safe))
            try await H.eventually("three answers") { h.fake.sent.count == 3 }
            #expect(Set(h.model.questions) == ["明文 XML", "兼容 JSON", "安全 XML"])
        }
    }

    @Test func greetingUnsupportedAndConsoleEvents() async throws {
        let h = try H()
        try await h.run { client async throws in
            let enter = WeChatPushBuilder.eventMessage(format: .json, to: H.toUser, from: "oUserBob", createTime: h.nowSeconds, event: "user_enter_tempsession")
            try await H.post(client, try h.push(enter))
            try await H.eventually("the greeting") { h.fake.sent.count == 1 }
            #expect(h.fake.sent[0].content == ReplyCatalog.text(.greeting, .zh) + "\n\n" + ReplyCatalog.text(.disclaimer, .zh))

            // Entering again (a new event) is not greeted twice; a console test event and an image
            // are acknowledged; the image gets the text-only reply.
            let again = WeChatPushBuilder.eventMessage(format: .xml, to: H.toUser, from: "oUserBob", createTime: h.nowSeconds + 1, event: "user_enter_tempsession")
            #expect(try await H.post(client, try h.push(again, format: .xml)) == (200, "success"))
            let demo = Array(#"{"ToUserName":"gh_1a2b3c4d5e6f","FromUserName":"oUserBob","CreateTime":1,"MsgType":"event","Event":"debug_demo","debug_str":"hi"}"#.utf8)
            #expect(try await H.post(client, try h.push(demo)) == (200, "success"))
            #expect(try await H.post(client, try h.push(Array(#"{"action":"CheckContainerPath"}"#.utf8))) == (200, "success"))
            let image = Array("<xml><ToUserName>gh_1a2b3c4d5e6f</ToUserName><FromUserName>oUserBob</FromUserName><CreateTime>2</CreateTime><MsgType>image</MsgType><PicUrl>u</PicUrl><MediaId>m</MediaId><MsgId>401</MsgId></xml>".utf8)
            #expect(try await H.post(client, try h.push(image, format: .xml)) == (200, "success"))
            try await H.eventually("the text-only reply") { h.fake.sent.count == 2 }
            #expect(h.fake.sent[1].content == ReplyCatalog.text(.textOnly, .zh))
            #expect(h.model.callCount == 0)
        }
    }

    @Test func customPathsAreServed() async throws {
        let h = try H()
        try await h.run(configure: { $0.wechat.pushPath = "/hooks/wx" }) { client async throws in
            #expect(try await H.post(client, try h.textPush("路径", msgID: 501), path: "/hooks/wx") == (200, "success"))
            #expect(try await H.post(client, try h.textPush("路径", msgID: 502)).0 == 404)
        }
    }
}
