import AsyncHTTPClient
import ChatCore
import Foundation
import Synchronization
import Testing
import WeChatTestSupport
@testable import WeChatAdapter

/// The access-token cache and the API clients against the fake WeChat API on loopback.
@Suite struct APIClientTests {
    let fake = FakeWeChatAPI()

    struct Clients: Sendable {
        var http: WeChatHTTP
        var tokens: AccessTokenCache
        var api: WeChatAPIClient
        var customerService: CustomerServiceClient
        var sleeps: SleepLog
    }

    /// Backoff waits requested by the client (recorded instead of slept).
    final class SleepLog: Sendable {
        let log = Mutex<[Duration]>([])
        func withLock<T: Sendable>(_ body: (inout [Duration]) -> T) -> T { log.withLock { body(&$0) } }
    }

    static func clients(
        _ fake: FakeWeChatAPI, _ baseURL: String, tokenAPI: WeChatAPIConfiguration.TokenAPI = .stable,
        options: CustomerServiceClient.Options = .init(), timeout: Duration = .seconds(30), now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) -> Clients {
        let configuration = WeChatAPIConfiguration(appID: fake.appID, appSecret: fake.secret, baseURL: baseURL, tokenAPI: tokenAPI, requestTimeout: timeout)
        let http = WeChatHTTP(client: .shared, configuration: configuration)
        let tokens = AccessTokenCache(source: WeChatTokenFetcher(http: http), now: now)
        let api = WeChatAPIClient(http: http, tokens: tokens)
        let sleeps = SleepLog()
        let cs = CustomerServiceClient(api: api, options: options, sleep: { d in sleeps.withLock { $0.append(d) } })
        return Clients(http: http, tokens: tokens, api: api, customerService: cs, sleeps: sleeps)
    }

    // MARK: Access token

    @Test func hundredParallelSendsFetchTheTokenOnce() async throws {
        try await fake.run { [fake] base async throws in
            let c = Self.clients(fake, base)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<100 { group.addTask { try await c.customerService.send(["第\(i)条"], to: "oUser\(i)") } }
                try await group.waitForAll()
            }
            #expect(fake.calls(.stableToken) == 1)
            #expect(fake.sent.count == 100)
            #expect(await c.tokens.refreshCount == 1)
        }
    }

    @Test func aRejectedTokenIsRefreshedOnceForHundredParallelSends() async throws {
        try await fake.run { [fake] base async throws in
            let c = Self.clients(fake, base)
            try await c.customerService.send(["warm up"], to: "oWarm")
            fake.expireTokens()  // every call with the old token now answers 42001
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<100 { group.addTask { try await c.customerService.send(["msg \(i)"], to: "oUser\(i)") } }
                try await group.waitForAll()
            }
            #expect(fake.calls(.stableToken) == 2)
            #expect(fake.sent.count == 101)
            #expect(fake.tokenRejections == 100)  // each of the 100 was refused once, then retried
            #expect(fake.calls(.send) == 101)
        }
    }

    @Test func errcode40001RefreshesAndRetriesOnce() async throws {
        try await fake.run { [fake] base async throws in
            let c = Self.clients(fake, base)
            _ = try await c.tokens.token()
            // The platform says the (still issued) token is not the latest: stable_token without
            // force_refresh returns the same token, so the cache forces a new one.
            fake.script(.send, .errcode(40001))
            try await c.customerService.send(["你好"], to: "oUser")
            #expect(fake.sent == [.init(touser: "oUser", content: "你好")])
            #expect(fake.calls(.send) == 2)
            #expect(fake.forcedRefreshes == 1)
            #expect(await c.tokens.refreshCount == 2)
        }
    }

    @Test func stableTokenIsForcedWhenItKeepsReturningTheRejectedToken() async throws {
        try await fake.run { [fake] base async throws in
            let c = Self.clients(fake, base)
            _ = try await c.tokens.token()
            fake.expireTokens()
            fake.keepReturningRejectedToken()
            try await c.customerService.send(["hi"], to: "oUser")
            #expect(fake.forcedRefreshes == 1)
            #expect(fake.sent.count == 1)
        }
    }

    @Test func tokensAreRefreshedBeforeExpiry() async throws {
        let offset = Mutex(Duration.zero)
        let start = ContinuousClock.now
        try await fake.run { [fake] base async throws in
            let c = Self.clients(fake, base, now: { start + offset.withLock { $0 } })
            let first = try await c.tokens.token()
            offset.withLock { $0 = .seconds(7200 - 301) }
            #expect(try await c.tokens.token() == first)
            offset.withLock { $0 = .seconds(7200 - 299) }
            fake.expireTokens()  // stable_token rotates close to expiry
            #expect(try await c.tokens.token() != first)
            #expect(fake.calls(.stableToken) == 2)
        }
    }

    @Test func classicTokenEndpointIsSelectable() async throws {
        try await fake.run { [fake] base async throws in
            let c = Self.clients(fake, base, tokenAPI: .classic)
            try await c.customerService.send(["hi"], to: "oUser")
            #expect(fake.calls(.classicToken) == 1)
            #expect(fake.calls(.stableToken) == 0)
        }
    }

    @Test func tokenErrorsSurfaceAndAreNotCached() async throws {
        try await fake.run { [fake] base async throws in
            let c = Self.clients(fake, base)
            fake.script(.stableToken, .errcode(40164))
            await #expect(throws: WeChatAPIError.api(errcode: 40164, requestID: "6718a3c1-2b1f0a9e-5d4c3b2a")) { try await c.tokens.token() }
            #expect(try await c.tokens.token().hasPrefix("FAKE_ACCESS_TOKEN_"))
            let wrong = Self.clients(FakeWeChatAPI(secret: "another-secret"), base)
            await #expect(throws: WeChatAPIError.api(errcode: 40125, requestID: "6718a3c1-2b1f0a9e-5d4c3b2a")) { try await wrong.tokens.token() }
        }
    }

    // MARK: Customer service

    @Test(arguments: [45015, 45047, 40003, 48001])
    func windowAndQuotaErrorsAreRecordedNotRetried(_ code: Int) async throws {
        try await fake.run { [fake] base async throws in
            let c = Self.clients(fake, base)
            fake.script(.send, .errcode(code))
            await #expect(throws: DeliveryError.self) { try await c.customerService.send(["第一段", "第二段"], to: "oUser") }
            #expect(fake.calls(.send) == 1)
            #expect(c.sleeps.withLock { $0.isEmpty })
            do {
                try await c.customerService.send(["x"], to: "oUser")
            } catch {
                Issue.record("the next message should go through")
            }
        }
    }

    @Test func quotaErrorIsPermanent() async throws {
        try await fake.run { [fake] base async throws in
            let c = Self.clients(fake, base)
            fake.script(.send, .errcode(45047))
            await #expect(throws: DeliveryError.permanent(reason: "reply quota used (45047)")) {
                try await c.customerService.send(["x"], to: "oUser")
            }
        }
    }

    @Test func tooLongTextIsSplitFurther() async throws {
        let strict = FakeWeChatAPI(maxContentBytes: 600)
        try await strict.run { base async throws in
            let c = Self.clients(strict, base)
            let text = String(repeating: "慢慢来，一切都会好起来的。", count: 50)  // 1950 bytes
            try await c.customerService.send([text], to: "oUser")
            let sent = strict.sent
            #expect(sent.count == 4)
            #expect(sent.allSatisfy { $0.content.utf8.count <= 512 })
            #expect(sent.map(\.content).joined() == text)
        }
    }

    @Test func busyAnd5xxAreRetriedWithBackoff() async throws {
        try await fake.run { [fake] base async throws in
            let c = Self.clients(fake, base)
            fake.script(.send, .errcode(-1), .status(502))
            try await c.customerService.send(["坚持住"], to: "oUser")
            #expect(fake.sent.count == 1)
            #expect(fake.calls(.send) == 3)
            #expect(c.sleeps.withLock { $0 } == [.milliseconds(500), .seconds(1)])

            fake.script(.send, .status(500), .status(503), .status(504))
            await #expect(throws: DeliveryError.exhausted(reason: "http 504")) { try await c.customerService.send(["x"], to: "oUser") }
        }
    }

    @Test func slowAndGarbageResponses() async throws {
        try await fake.run { [fake] base async throws in
            var options = CustomerServiceClient.Options()
            options.maxAttempts = 5  // a loaded machine may need more than one retry after the slow one
            let c = Self.clients(fake, base, options: options, timeout: .seconds(2))
            var token: String?
            for _ in 0..<5 where token == nil { token = try? await c.tokens.token() }
            #expect(token != nil)
            fake.script(.send, .delay(.seconds(6)))
            try await c.customerService.send(["slow"], to: "oUser")  // first attempt times out, a retry succeeds
            #expect(c.sleeps.withLock { $0.count } >= 1)
            // Garbage is not retried. Scripted more than once: on a loaded machine an abandoned attempt
            // of the slow send may still reach the fake late and take the first scripted answer.
            for _ in 0..<3 { fake.script(.send, .garbage) }
            await #expect(throws: DeliveryError.self) { try await c.customerService.send(["garbage"], to: "oUser") }
        }
    }

    @Test func typingIndicatorAndMessenger() async throws {
        try await fake.run { [fake] base async throws in
            let c = Self.clients(fake, base)
            let messenger = WeChatMessenger(client: c.customerService)
            let message = InboundMessage(channel: .wechat, userKey: "wechat:wx:oUser", chatKey: "oUser", platformMessageID: "1", text: "q", receivedAt: Date())
            await messenger.indicateTyping(for: message)
            #expect(fake.typing == ["oUser"])
            fake.script(.typing, .errcode(45081))
            await messenger.indicateTyping(for: message)  // ignored
            try await messenger.deliver(Reply(body: "答复", source: .model, disclaimer: "提示"), for: message)
            #expect(fake.sent == [.init(touser: "oUser", content: "答复\n\n提示")])
            #expect(messenger.typingInterval == .seconds(15))
        }
    }

    // MARK: Login and content security

    @Test func jscode2session() async throws {
        try await fake.run { [fake] base async throws in
            let login = MiniProgramLoginClient(http: Self.clients(fake, base).http)
            #expect(try await login.login(code: "code-alice") == MiniProgramLogin(openID: "oFake_alice"))
            await #expect(throws: WeChatAPIError.self) { try await login.login(code: "code-alice") }  // single use: 40163
            await #expect(throws: WeChatAPIError.api(errcode: 40029, requestID: "6718a3c1-2b1f0a9e-5d4c3b2a")) { try await login.login(code: "invalid") }
            fake.script(.login, .errcode(45011), .errcode(40226))
            await #expect(throws: WeChatAPIError.api(errcode: 45011, requestID: "6718a3c1-2b1f0a9e-5d4c3b2a")) { try await login.login(code: "c2") }
            await #expect(throws: WeChatAPIError.api(errcode: 40226, requestID: "6718a3c1-2b1f0a9e-5d4c3b2a")) { try await login.login(code: "c3") }
        }
    }

    @Test func msgSecCheckVerdictsAndLongContent() async throws {
        try await fake.run { [fake] base async throws in
            let check = ContentSecurityClient(api: Self.clients(fake, base).api)
            #expect(try await check.check("今天心情不错", openID: "oUser") == .pass)
            #expect(try await check.check("REVIEW this", openID: "oUser") == .review(label: 20_001))
            #expect(try await check.check("RISKY", openID: "oUser") == .risky(label: 20_001))
            let long = String(repeating: "好", count: 2600) + "RISKY"
            #expect(try await check.check(long, openID: "oUser") == .risky(label: 20_001))
            #expect(fake.checkedContents.suffix(2).map(\.count) == [2500, 105])
            fake.script(.secCheck, .errcode(-1))
            await #expect(throws: WeChatAPIError.self) { try await check.check("x", openID: "oUser") }
        }
    }
}
