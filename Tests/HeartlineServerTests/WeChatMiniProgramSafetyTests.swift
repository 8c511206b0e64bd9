import ChatCore
import Foundation
import HeartlineServer
import HummingbirdTesting
import HTTPTypes
import NIOCore
import Safety
import Testing
import WeChatTestSupport

/// Safety first on the Q&A API: Heartline's crisis detection runs before WeChat's content check,
/// so a platform `risky` verdict never stands between a person at risk and the crisis reply.
@Suite struct WeChatMiniProgramSafetyTests {
    typealias H = WeChatServerHarness
    typealias T = WeChatMiniProgramServerTests

    @Test func aCrisisMessageRatedRiskyGetsTheCrisisReplyNotARefusal() async throws {
        let h = try H(safety: try SafetyLayer.live(configuration: .init()))
        try await h.run(configure: { $0.wechat.contentCheck = true }) { client async throws in
            let (_, token) = try await T.login(client, code: "c-grace")
            // The fake content check rates any text containing RISKY as risky.
            let question = "RISKY 我朋友说今晚要跳楼"
            let answer = try #require(try await T.ask(client, token: token, ["question": question, "idempotencyKey": "crisis-1"]).1)
            #expect(answer.tier == "crisis" && answer.source == "crisis")
            #expect(answer.answer.contains("12356") && answer.answer.contains("400-161-9995"))
            #expect(!answer.answer.hasPrefix("抱歉，这个问题我没办法回答"))
            let numbers = answer.resources?.map(\.number) ?? []
            #expect(numbers.contains("12356") && numbers.contains("120") && numbers.contains("110"))
            // The platform was never asked about the question, and the model never saw it.
            #expect(!h.fake.checkedContents.contains(question))
            #expect(h.model.callCount == 0)
            // An ordinary question the platform rates risky is still refused (caution added). Another
            // user: after a crisis message, the same user's next questions are read in its context.
            let (_, other) = try await T.login(client, code: "c-hank")
            let refused = try #require(try await T.ask(client, token: other, ["question": "RISKY 普通的问题"]).1)
            #expect(refused.source == "blocked" && refused.tier == "none")
        }
    }

    @Test func followUpsAreNotCheckedAgainBeforeDeduplication() async throws {
        let h = try H()
        h.model.hold()
        try await h.run(configure: { $0.wechat.contentCheck = true; $0.wechat.askTimeout = .milliseconds(200) }) { client async throws in
            let (_, token) = try await T.login(client, code: "c-heidi")
            let question = "最近总是睡不好"
            let first = try #require(try await T.ask(client, token: token, ["question": question, "idempotencyKey": "f-1"]).1)
            #expect(first.pending)
            let again = try #require(try await T.ask(client, token: token, ["question": question, "idempotencyKey": "f-1"]).1)
            #expect(again.pending)
            #expect(h.fake.checkedContents.filter { $0 == question }.count == 1)
            h.model.release()
            var later: T.Answer?
            for _ in 0..<100 where later?.pending != false {
                later = try await T.ask(client, token: token, ["question": question, "idempotencyKey": "f-1"]).1
                if later?.pending != false { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(later?.answer == "回答：" + question)
            #expect(h.fake.checkedContents.filter { $0 == question }.count == 1)
            #expect(h.model.callCount == 1)
        }
    }

    static func forget(_ client: any TestClientProtocol, token: String?) async throws -> Int {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer " + token }
        return try await client.execute(uri: "/wechat/miniprogram/forget", method: .post, headers: headers, body: ByteBuffer(string: "{}")) { response in
            if response.status == .ok {
                struct Forgotten: Decodable { var forgotten: Bool; var message: String }
                let body = try JSONDecoder().decode(Forgotten.self, from: Data(response.body.readableBytesView))
                #expect(body.forgotten && body.message == ReplyCatalog.text(.forgetDone, .zh))
            }
            return Int(response.status.code)
        }
    }

    @Test func forgetDeletesTheUsersDataThroughThePipeline() async throws {
        let h = try H()
        try await h.run { client async throws in
            let (_, token) = try await T.login(client, code: "c-ivan")
            let first = try #require(try await T.ask(client, token: token, ["question": "你好，我有点紧张"]).1)
            #expect(first.disclaimer != nil)
            let second = try #require(try await T.ask(client, token: token, ["question": "还是紧张"]).1)
            #expect(second.disclaimer == nil)
            #expect(try await Self.forget(client, token: nil) == 401)
            #expect(try await Self.forget(client, token: token) == 200)
            // A new session: the disclaimer is shown again with the first answer.
            let fresh = try #require(try await T.ask(client, token: token, ["question": "又来了"]).1)
            #expect(fresh.disclaimer != nil)
        }
    }
}
