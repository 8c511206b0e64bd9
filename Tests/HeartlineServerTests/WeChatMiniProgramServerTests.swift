import ChatCore
import Foundation
import HeartlineServer
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import WeChatAdapter
import WeChatTestSupport

/// The mini-program Q&A API: login through a fake `jscode2session`, asking with the session token,
/// idempotency, rate limits, time budget and `msg_sec_check`.
@Suite struct WeChatMiniProgramServerTests {
    typealias H = WeChatServerHarness

    struct Answer: Decodable {
        var answer: String
        var tier: String
        struct Resource: Decodable, Equatable {
            var name: String
            var number: String
        }
        var disclaimer: String?
        var resourceLine: String?
        var resources: [Resource]?
        var hotline: String
        var source: String
        var duplicate: Bool
        var pending: Bool
        var budgetMs: Int
        var retryAfterMs: Int?
    }

    struct Failure: Decodable {
        struct Inner: Decodable {
            var code: String
        }
        var error: Inner
    }

    static func json(_ object: [String: String]) -> ByteBuffer {
        ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: object))
    }

    static func login(_ client: any TestClientProtocol, code: String) async throws -> (Int, String) {
        try await client.execute(uri: "/wechat/miniprogram/login", method: .post, headers: [.contentType: "application/json"], body: json(["code": code])) { response in
            let status = Int(response.status.code)
            if status == 200 {
                struct Login: Decodable { var token: String; var expiresIn: Int; var budgetMs: Int }
                let login = try JSONDecoder().decode(Login.self, from: Data(response.body.readableBytesView))
                #expect(login.expiresIn == 24 * 3600)
                #expect(login.budgetMs >= 100)
                #expect(!String(buffer: response.body).contains("SESSIONKEY"))
                #expect(!String(buffer: response.body).contains("oFake_"))
                return (status, login.token)
            }
            return (status, try JSONDecoder().decode(Failure.self, from: Data(response.body.readableBytesView)).error.code)
        }
    }

    static func ask(_ client: any TestClientProtocol, token: String?, _ body: [String: String], path: String = "/ask") async throws -> (Int, Answer?, String?, String?) {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer " + token }
        return try await client.execute(uri: "/wechat/miniprogram" + path, method: .post, headers: headers, body: json(body)) { response in
            let data = Data(response.body.readableBytesView)
            if response.status == .ok { return (200, try JSONDecoder().decode(Answer.self, from: data), nil, nil) }
            return (Int(response.status.code), nil, try? JSONDecoder().decode(Failure.self, from: data).error.code, response.headers[.retryAfter])
        }
    }

    @Test func loginThenAsk() async throws {
        let h = try H()
        try await h.run { client async throws in
            let (status, token) = try await Self.login(client, code: "wxcode-alice")
            #expect(status == 200)
            let (_, first, _, _) = try await Self.ask(client, token: token, ["question": "考试前特别焦虑怎么办？"])
            let answer = try #require(first)
            #expect(answer.answer == "回答：考试前特别焦虑怎么办？")
            #expect(answer.tier == "none")
            #expect(answer.disclaimer == ReplyCatalog.text(.disclaimer, .zh))
            #expect(answer.hotline == HotlineDirectory.shortLine(for: .zh))
            #expect(!answer.pending && !answer.duplicate)
            #expect(answer.resources == nil && answer.budgetMs == 15_000)
            let (_, second, _, _) = try await Self.ask(client, token: token, ["question": "How can I sleep better at night?"])
            #expect(second?.disclaimer == nil)
            #expect(second?.hotline == HotlineDirectory.shortLine(for: .en))
            // A second login of the same user continues the same session.
            let (_, again) = try await Self.login(client, code: "wxcode2-alice")
            #expect(try await Self.ask(client, token: again, ["question": "还在吗"]).1?.disclaimer == nil)
        }
    }

    @Test func loginErrorsAreMappedToClearCodes() async throws {
        let h = try H()
        try await h.run { client async throws in
            #expect(try await Self.login(client, code: "invalid-code") == (400, "invalid_code"))
            _ = try await Self.login(client, code: "once")
            #expect(try await Self.login(client, code: "once") == (400, "invalid_code"))  // 40163 code used
            h.fake.script(.login, .errcode(45011), .errcode(40226), .errcode(-1), .status(502), .errcode(40013))
            #expect(try await Self.login(client, code: "c1") == (429, "login_rate_limited"))
            #expect(try await Self.login(client, code: "c2") == (403, "login_blocked"))
            #expect(try await Self.login(client, code: "c3") == (503, "wechat_unavailable"))
            #expect(try await Self.login(client, code: "c4") == (503, "wechat_unavailable"))
            #expect(try await Self.login(client, code: "c5") == (502, "wechat_error"))
            #expect(try await Self.login(client, code: "has space") == (400, "invalid_field"))
            #expect(try await Self.login(client, code: "") == (400, "invalid_field"))
            try await client.execute(uri: "/wechat/miniprogram/login", method: .post, body: ByteBuffer(string: "{\"code\":")) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func askNeedsAValidUnexpiredSession() async throws {
        let h = try H()
        try await h.run { client async throws in
            #expect(try await Self.ask(client, token: nil, ["question": "q"]).2 == "invalid_session")
            #expect(try await Self.ask(client, token: "v1.garbage.garbage", ["question": "q"]).2 == "invalid_session")
            let (_, token) = try await Self.login(client, code: "c-alice")
            var tampered = Array(token)
            tampered[5] = tampered[5] == "A" ? "B" : "A"
            #expect(try await Self.ask(client, token: String(tampered), ["question": "q"]).0 == 401)
            #expect(try await Self.ask(client, token: token, ["question": "   "]).2 == "invalid_field")
            #expect(try await Self.ask(client, token: token, ["question": "q", "idempotencyKey": "bad key!"]).2 == "invalid_field")
            h.clock.advance(by: 24 * 3600 + 1)
            #expect(try await Self.ask(client, token: token, ["question": "q"]).2 == "invalid_session")
            #expect(h.model.callCount == 0)
        }
    }

    @Test func theSameIdempotencyKeyIsAnsweredOnce() async throws {
        let h = try H()
        try await h.run { client async throws in
            let (_, token) = try await Self.login(client, code: "c-bob")
            let first = try await Self.ask(client, token: token, ["question": "失恋了好难受", "idempotencyKey": "ask-1"]).1
            let second = try await Self.ask(client, token: token, ["question": "失恋了好难受", "idempotencyKey": "ask-1"]).1
            #expect(first?.answer == second?.answer)
            #expect(second?.duplicate == true)
            #expect(h.model.callCount == 1)
        }
    }

    @Test func perUserRateLimit() async throws {
        let h = try H()
        try await h.run(configure: { $0.wechat.askPerMinute = 2 }) { client async throws in
            let (_, token) = try await Self.login(client, code: "c-carol")
            #expect(try await Self.ask(client, token: token, ["question": "一"]).0 == 200)
            #expect(try await Self.ask(client, token: token, ["question": "二"]).0 == 200)
            let (status, _, code, retryAfter) = try await Self.ask(client, token: token, ["question": "三"])
            #expect(status == 429 && code == "rate_limited")
            #expect(retryAfter.flatMap(Int.init).map { $0 >= 1 && $0 <= 30 } == true)
            let (_, other) = try await Self.login(client, code: "c-dave")
            #expect(try await Self.ask(client, token: other, ["question": "别人"]).0 == 200)
        }
    }

    @Test func slowAnswersGetAFallbackThenTheRealAnswer() async throws {
        let h = try H()
        h.model.hold()
        try await h.run(configure: { $0.wechat.askTimeout = .milliseconds(200); $0.wechat.askPerMinute = 1000 }) { client async throws in
            let (_, token) = try await Self.login(client, code: "c-erin")
            let first = try #require(try await Self.ask(client, token: token, ["question": "等一等", "idempotencyKey": "slow-1"]).1)
            #expect(first.pending)
            #expect(first.answer == ReplyCatalog.text(.fallback, .zh))
            #expect(first.retryAfterMs.map { $0 > 0 } == true)
            h.model.release()
            try await H.eventually("the model answer") { h.model.callCount == 1 && h.model.waitingCount == 0 }
            var later: Answer?
            for _ in 0..<100 where later?.pending != false {
                later = try await Self.ask(client, token: token, ["question": "等一等", "idempotencyKey": "slow-1"]).1
                if later?.pending != false { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(later?.answer == "回答：等一等")
            #expect(later?.duplicate == true)
            #expect(h.model.callCount == 1)
        }
    }

    @Test func contentCheckOnQuestionsAndAnswers() async throws {
        let h = try H()
        try await h.run(configure: { $0.wechat.contentCheck = true }) { client async throws in
            let (_, token) = try await Self.login(client, code: "c-frank")
            // risky question: polite refusal with hotlines, model not called
            let refused = try #require(try await Self.ask(client, token: token, ["question": "RISKY 问题"]).1)
            #expect(refused.answer.hasPrefix("抱歉，这个问题我没办法回答"))
            #expect(refused.source == "blocked")
            #expect(refused.resourceLine == HotlineDirectory.shortLine(for: .zh))
            #expect(refused.resources?.contains(.init(name: "全国心理援助热线", number: "12356")) == true)
            #expect(refused.budgetMs == 15_000 + 2 * 2_000)
            #expect(h.model.callCount == 0)
            // review: answered, with care
            let careful = try #require(try await Self.ask(client, token: token, ["question": "REVIEW 我最近很低落"]).1)
            #expect(careful.answer == "回答：REVIEW 我最近很低落")
            #expect(careful.resourceLine == HotlineDirectory.shortLine(for: .zh))
            // moderation outage: fail safe, model not called
            h.fake.script(.secCheck, .errcode(-1))
            let outage = try #require(try await Self.ask(client, token: token, ["question": "今天怎么样"]).1)
            #expect(outage.answer == ReplyCatalog.text(.holding, .zh))
            #expect(outage.source == "failSafe")
            #expect(h.model.callCount == 1)
            // a risky answer is withheld
            h.model.answer(with: "RISKY answer")
            let withheld = try #require(try await Self.ask(client, token: token, ["question": "普通问题"]).1)
            #expect(withheld.answer.hasPrefix("抱歉，我刚才组织的回答不太合适"))
            #expect(!withheld.answer.contains("RISKY"))
            // an outage while checking the answer: holding reply, never the unchecked answer
            h.model.answer(with: "未检查的回答")
            h.fake.script(.secCheck, .delay(.milliseconds(1)), .status(500))
            let unchecked = try #require(try await Self.ask(client, token: token, ["question": "又一个问题"]).1)
            #expect(unchecked.answer == ReplyCatalog.text(.holding, .zh))
            #expect(h.fake.checkedContents.contains("RISKY answer"))
        }
    }
}
