import AsyncHTTPClient
import ChatCore
import Foundation
import Testing
@testable import TelegramAdapter
import TelegramBotAPIFake

/// The Bot API client against the strict fake: envelope and errors (B.1), retries (B.1, B.9),
/// methods (B.2, B.3, B.6, B.8).
@Suite struct BotAPIClientTests {
    @Test func sendMessageSendsTheDocumentedJSON() async throws {
        try await BotAPIHarness.run { fake, api, _ in
            let sent = try await api.sendMessage(TelegramSendMessage(chatID: -1_001_987_654_321, text: "答：好的 😀", replyTo: 2048))
            #expect(sent.messageID > 0)
            let call = try #require(fake.calls("sendMessage").first)
            let json = call.json
            #expect(json["chat_id"] as? Int64 == -1_001_987_654_321)
            #expect(json["text"] as? String == "答：好的 😀")
            #expect(json["parse_mode"] == nil)
            #expect((json["reply_parameters"] as? [String: Any])?["message_id"] as? Int64 == 2048)
            #expect((json["reply_parameters"] as? [String: Any])?["allow_sending_without_reply"] as? Bool == true)
            #expect((json["link_preview_options"] as? [String: Any])?["is_disabled"] as? Bool == true)
            // Real UTF-8 on the wire, not \u escapes.
            #expect(String(decoding: call.body, as: UTF8.self).contains("答：好的 😀"))
        }
    }

    @Test func honoursRetryAfterOn429() async throws {
        try await BotAPIHarness.run { fake, api, sleeps in
            fake.script("sendMessage", [.tooManyRequests(retryAfter: 3)])
            let flood = FloodLog()
            _ = try await api.sendMessage(TelegramSendMessage(chatID: 5, text: "hi"), onFloodWait: { await flood.add($0) })
            #expect(fake.calls("sendMessage").map(\.status) == [429, 200])
            #expect(sleeps.recorded == [.seconds(3)])
            #expect(await flood.waits == [.seconds(3)])
        }
    }

    @Test func givesUpWhenRetryAfterIsTooLongOrRepeated() async throws {
        try await BotAPIHarness.run { fake, api, sleeps in
            fake.script("sendMessage", [.tooManyRequests(retryAfter: 500)])
            await #expect(throws: TelegramAPIError.self) { try await api.sendMessage(TelegramSendMessage(chatID: 5, text: "hi")) }
            #expect(sleeps.recorded.isEmpty)
            fake.script("sendMessage", Array(repeating: .tooManyRequests(retryAfter: 1), count: 4))
            do {
                _ = try await api.sendMessage(TelegramSendMessage(chatID: 5, text: "hi"))
                Issue.record("expected flood errors to win")
            } catch {
                #expect((error as? TelegramAPIError)?.failure?.code == 429)
                #expect((error as? TelegramAPIError)?.failure?.retryAfter == 1)
            }
            #expect(sleeps.recorded == [.seconds(1), .seconds(1), .seconds(1)])
        }
    }

    @Test func retriesServerErrorsWithBackoff() async throws {
        try await BotAPIHarness.run { fake, api, sleeps in
            fake.script("getMe", [.serverError, .failure(status: 502, description: "Bad Gateway")])
            let me = try await api.getMe()
            #expect(me.username == "example_helper_bot")
            #expect(fake.calls("getMe").map(\.status) == [500, 502, 200])
            let waits = sleeps.recorded
            #expect(waits.count == 2)
            #expect(waits[0] >= .milliseconds(400) && waits[0] <= .milliseconds(500))
            #expect(waits[1] >= .milliseconds(800) && waits[1] <= .seconds(1))
        }
    }

    @Test func neverRetries400Or403() async throws {
        try await BotAPIHarness.run { fake, api, sleeps in
            fake.script("sendMessage", [.blocked])
            do {
                _ = try await api.sendMessage(TelegramSendMessage(chatID: 5, text: "hi"))
                Issue.record("expected 403")
            } catch {
                #expect((error as? TelegramAPIError)?.failure?.isForbidden == true)
            }
            fake.script("sendMessage", [.migrated(to: -1_001_234_567_890)])
            do {
                _ = try await api.sendMessage(TelegramSendMessage(chatID: -123, text: "hi"))
                Issue.record("expected 400")
            } catch {
                #expect((error as? TelegramAPIError)?.failure?.migrateToChatID == -1_001_234_567_890)
                #expect((error as? TelegramAPIError)?.failure?.code == 400)
            }
            #expect(fake.calls("sendMessage").count == 2)
            #expect(sleeps.recorded.isEmpty)
        }
    }

    @Test func theFakeIsStrictAboutLimitsAndMarkup() async throws {
        try await BotAPIHarness.run { _, api, _ in
            let tooLong = String(repeating: "😀", count: 2049)  // 4098 UTF-16 units
            await #expect(throws: TelegramAPIError.self) { try await api.sendMessage(TelegramSendMessage(chatID: 5, text: tooLong)) }
            await #expect(throws: TelegramAPIError.self) { try await api.sendMessage(TelegramSendMessage(chatID: 5, text: " ")) }
            do {
                _ = try await api.sendMessage(TelegramSendMessage(chatID: 5, text: "1 < 2", parseMode: "HTML"))
                Issue.record("unescaped < must be rejected")
            } catch {
                #expect((error as? TelegramAPIError)?.failure?.isMarkupRejected == true)
            }
            _ = try await api.sendMessage(TelegramSendMessage(chatID: 5, text: "1 &lt; 2 <b>ok</b>", parseMode: "HTML"))
            await #expect(throws: TelegramAPIError.self) { try await api.setWebhook(url: "http://example.org/hook", secret: nil, allowedUpdates: nil) }
        }
    }

    @Test func slowAnswersTimeOutAndAreRetried() async throws {
        // The first attempt hangs past its deadline; the retry answers at once. The deadline is
        // generous enough that a loaded machine still completes the quick retry in time.
        try await BotAPIHarness.run(attemptTimeout: .milliseconds(1500)) { fake, api, sleeps in
            fake.script("getMe", [.delay(.milliseconds(4000))])
            let me = try await api.getMe()
            #expect(me.id == 7_000_000_002)
            // At least one backoff before the retry that succeeded (more if a loaded machine also
            // let the retry run past its deadline).
            #expect(sleeps.recorded.count >= 1)
        }
    }

    @Test func garbageAndOversizedAnswersAreErrors() async throws {
        try await BotAPIHarness.run { fake, api, _ in
            fake.script("getWebhookInfo", [.garbage])
            do {
                _ = try await api.getWebhookInfo()
                Issue.record("garbage must not decode")
            } catch {
                guard case .invalidResponse? = error as? TelegramAPIError else {
                    Issue.record("unexpected \(error)")
                    return
                }
            }
        }
        _ = try await BotAPIHarness.run(maxResponseBytes: 16) { _, api, _ in
            await #expect(throws: TelegramAPIError.responseTooLarge(limit: 16)) { try await api.getMe() }
        }
    }

    @Test func wrongTokenIsUnauthorizedAndNeverAppearsInErrors() async throws {
        let secretPart = "AAH_not-the-right-one"
        try await BotAPIHarness.run(token: "7000000002:" + secretPart) { _, api, sleeps in
            do {
                _ = try await api.getMe()
                Issue.record("expected 401")
            } catch {
                #expect((error as? TelegramAPIError)?.failure?.code == 401)
                #expect(!"\(error)".contains(secretPart))
            }
            #expect(sleeps.recorded.isEmpty)
            #expect(!"\(api.configuration.token)".contains(secretPart))
        }
    }

    @Test func connectionErrorsAreRetriedThenReported() async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let recorder = SleepRecorder()
        let api = TelegramBotAPI(
            httpClient: client,
            // AHC keeps retrying a refused connection until the attempt's deadline, so a short attempt
            // timeout keeps this test fast.
            configuration: .init(baseURL: "http://127.0.0.1:1", token: TelegramBotToken(validating: Fixtures.token)!, callTimeout: .seconds(30), attemptTimeout: .milliseconds(200)),
            sleep: { try await recorder.sleep($0) }
        )
        do {
            _ = try await api.getMe()
            Issue.record("nothing listens on port 1")
        } catch {
            #expect((error as? TelegramAPIError)?.isTransient == true)
            #expect(!"\(error)".contains("AAH_fake"))
        }
        // Retried with backoff (three times when the machine is idle; fewer when a busy machine has
        // already used the call's deadline — 30 s leaves room for at least one even when the whole
        // suite shares two cores), never more than the policy allows.
        #expect((1...3).contains(recorder.recorded.count), "\(recorder.recorded)")
        try await client.shutdown()
    }

    @Test func webhookAndPollingMethods() async throws {
        try await BotAPIHarness.run { fake, api, _ in
            let secret = try #require(TelegramWebhookSecret(validating: "s3cret_-token"))
            try await api.setWebhook(url: "https://bot.example.org/telegram/webhook", secret: secret, allowedUpdates: ["message"], maxConnections: 40)
            let body = try #require(fake.calls("setWebhook").first?.json)
            #expect(body["secret_token"] as? String == "s3cret_-token")
            #expect(body["allowed_updates"] as? [String] == ["message"])
            let info = try await api.getWebhookInfo()
            #expect(info.url == "https://bot.example.org/telegram/webhook")
            do {
                _ = try await api.getUpdates(offset: nil, timeoutSeconds: 0, allowedUpdates: nil)
                Issue.record("getUpdates must fail while a webhook is set")
            } catch {
                #expect((error as? TelegramAPIError)?.failure?.isWebhookActive == true)
            }
            try await api.deleteWebhook()
            fake.enqueueUpdate(String(decoding: try Fixtures.bytes("b10-1-private-text"), as: UTF8.self))
            let updates = try await api.getUpdates(offset: nil, timeoutSeconds: 0, allowedUpdates: ["message"])
            #expect(updates.compactMap(\.update?.updateID) == [734_512_001])
            try await TelegramCommandMenu.register(with: api)
            #expect(fake.commands()?.map { $0["command"] } == ["start", "help", "reset", "forget"])
            #expect(fake.commands(language: "en")?.first?["description"] == "Start a conversation")
            try await api.sendChatAction(chatID: 5)
            #expect(fake.calls("sendChatAction").first?.json["action"] as? String == "typing")
        }
    }

    @Test func errorEnvelopesDecode() {
        let flood = TelegramFailureDecoder.failure(status: 429, body: Array(#"{"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 35", "parameters": {"retry_after": 35}}"#.utf8))
        #expect(flood.retryAfter == 35)
        let migrate = TelegramFailureDecoder.failure(status: 400, body: Array(#"{"ok": false, "error_code": 400, "description": "Bad Request: group chat was upgraded to a supergroup chat", "parameters": {"migrate_to_chat_id": -1001234567890}}"#.utf8))
        #expect(migrate.migrateToChatID == -1_001_234_567_890)
        let html = TelegramFailureDecoder.failure(status: 502, body: Array("<html>Bad Gateway</html>".utf8))
        #expect(html.code == 502)
        let conflict = TelegramAPIFailure(status: 409, errorCode: 409, description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first")
        #expect(conflict.isWebhookActive)
        #expect(!TelegramAPIFailure(status: 409, errorCode: 409, description: "Conflict: terminated by other getUpdates request").isWebhookActive)
    }

    @Test func retryPolicyDecisions() {
        let policy = TelegramRetryPolicy()
        func api(_ code: Int, retryAfter: Int? = nil) -> TelegramAPIError {
            .api(TelegramAPIFailure(status: code, errorCode: code, description: "", retryAfter: retryAfter))
        }
        #expect(policy.decide(api(429, retryAfter: 3), retries: 0, floodWaits: 0) == .retry(after: .seconds(3), floodWait: true))
        #expect(policy.decide(api(429, retryAfter: 3), retries: 0, floodWaits: 3) == .stop)
        #expect(policy.decide(api(429, retryAfter: 121), retries: 0, floodWaits: 0) == .stop)
        #expect(policy.decide(api(500), retries: 0, floodWaits: 0, jitter: 1) == .retry(after: .milliseconds(500), floodWait: false))
        #expect(policy.decide(api(503), retries: 2, floodWaits: 0, jitter: 1) == .retry(after: .seconds(2), floodWait: false))
        #expect(policy.decide(api(500), retries: 3, floodWaits: 0) == .stop)
        #expect(policy.decide(.timeout, retries: 0, floodWaits: 0, jitter: 1) == .retry(after: .milliseconds(500), floodWait: false))
        #expect(policy.decide(.transport("x"), retries: 1, floodWaits: 0, jitter: 1) == .retry(after: .seconds(1), floodWait: false))
        for code in [400, 401, 403, 404, 409] { #expect(policy.decide(api(code), retries: 0, floodWaits: 0) == .stop) }
        #expect(policy.decide(.invalidResponse("x"), retries: 0, floodWaits: 0) == .stop)
        #expect(policy.decide(.cancelled, retries: 0, floodWaits: 0) == .stop)
        #expect(TelegramRetryPolicy(maxDelay: .seconds(8)).backoff(10, jitter: 1) == .seconds(8))
    }
}

actor FloodLog {
    var waits: [Duration] = []
    func add(_ wait: Duration) { waits.append(wait) }
}
