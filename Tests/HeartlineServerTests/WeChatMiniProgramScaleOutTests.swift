import ChatCore
import Foundation
import Synchronization
import HeartlineServer
import Testing
import WeChatTestSupport

/// Mini-program sessions across instances: the token is self-contained, so a user who logged in on
/// one instance can ask on another (no sticky sessions); and `/login` is rate limited.
@Suite struct WeChatMiniProgramScaleOutTests {
    typealias H = WeChatServerHarness
    typealias T = WeChatMiniProgramServerTests

    @Test func loginOnOneInstanceAskOnAnother() async throws {
        let h = try H()
        try await h.runTwo(configure: { $0.wechat.sessionSecret = "shared-secret-for-both-instances" }) { a, b async throws in
            let (status, token) = try await T.login(a, code: "c-judy")
            #expect(status == 200)
            let answer = try #require(try await T.ask(b, token: token, ["question": "换了一台服务器还能问吗"]).1)
            #expect(answer.answer == "回答：换了一台服务器还能问吗")
            let (_, tokenB) = try await T.login(b, code: "c2-judy")
            #expect(try await T.ask(a, token: tokenB, ["question": "回到第一台"]).0 == 200)
        }
    }

    @Test func withoutASecretTheKeyIsDerivedFromTheSharedHashKey() async throws {
        let h = try H()
        // Both instances use the same user-key hash key (as instances of one deployment do).
        try await h.runTwo { a, b async throws in
            let (_, token) = try await T.login(a, code: "c-kim")
            #expect(try await T.ask(b, token: token, ["question": "派生的密钥"]).0 == 200)
        }
    }

    @Test func aTokenSignedWithAnotherSecretIsRefused() async throws {
        let h = try H()
        let other = Mutex<String?>(nil)
        try await h.run(configure: { $0.wechat.sessionSecret = "secret-one" }) { client async throws in
            let (_, token) = try await T.login(client, code: "c-leo")
            other.withLock { $0 = token }
            #expect(!token.contains("oFake_"))
        }
        try await h.run(configure: { $0.wechat.sessionSecret = "secret-two" }) { client async throws in
            let token = try #require(other.withLock { $0 })
            #expect(try await T.ask(client, token: token, ["question": "q"]).2 == "invalid_session")
        }
    }

    @Test func loginIsRateLimitedPerUserAndPerInstance() async throws {
        let h = try H()
        try await h.run(configure: { $0.wechat.loginPerMinute = 2 }) { client async throws in
            #expect(try await T.login(client, code: "l1-mia").0 == 200)
            #expect(try await T.login(client, code: "l2-mia").0 == 200)
            #expect(try await T.login(client, code: "l3-mia") == (429, "login_rate_limited"))
            #expect(try await T.login(client, code: "l1-ned").0 == 200)
        }
        try await h.run(configure: { $0.wechat.loginPerMinuteTotal = 2 }) { client async throws in
            #expect(try await T.login(client, code: "t1-olga").0 == 200)
            #expect(try await T.login(client, code: "t1-pat").0 == 200)
            let callsBefore = h.fake.calls(.login)
            #expect(try await T.login(client, code: "t1-quinn") == (429, "login_rate_limited"))
            #expect(h.fake.calls(.login) == callsBefore)  // WeChat was not asked
        }
    }

    /// The page's budget before login tells the real one is the server's default `askTimeout`, so
    /// a first request never gives up while the server is still within its budget.
    @Test func thePagesDefaultBudgetIsTheServersDefault() throws {
        let config = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("adapters/wechat-miniprogram/miniprogram/config.js")
        let text = try String(contentsOf: config, encoding: .utf8)
        let budget = HeartlineSettings.WeChat().askTimeout.components.seconds * 1000
        #expect(text.contains("defaultBudgetMs: \(budget)"))
    }
}
