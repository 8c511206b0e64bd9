import Foundation
import HeartlineServer
import Testing
import TelegramAdapter

/// `telegram.*` settings: validation, defaults, and the refusal to run a public webhook without a
/// secret token (B.2).
@Suite struct TelegramSettingsTests {
    func load(_ values: [String: String], environment: [String: String] = [:]) async throws -> Result<HeartlineSettings, SettingsError> {
        let reader = try await SettingsLoader.reader(overrides: values, environment: environment, dotEnvPath: nil)
        var loader = SettingsLoader(reader: reader)
        do {
            return .success(try loader.load())
        } catch {
            return .failure(error)
        }
    }

    let token = "7000000002:AAH_fake-Token_for_tests"

    @Test func offWithoutAToken() async throws {
        let settings = try await load([:]).get()
        #expect(settings.telegram.mode == .off)
        #expect(!settings.telegram.isEnabled)
    }

    @Test func aTokenAloneMeansWebhookOnLoopback() async throws {
        let settings = try await load([:], environment: ["HEARTLINE_TELEGRAM_TOKEN": token]).get()
        #expect(settings.telegram.mode == .webhook)
        #expect(settings.telegram.token?.botID == 7_000_000_002)
        #expect(settings.telegram.webhookPath == "/telegram/webhook")
        #expect(settings.telegram.apiBaseURL == "https://api.telegram.org")
        #expect(settings.telegram.parseMode == .plain)
        #expect(settings.telegram.privacyMode)
    }

    @Test func aPublicWebhookNeedsASecret() async throws {
        guard case .failure(let error) = try await load(["host": "0.0.0.0", "telegram.token": token]) else {
            Issue.record("a public webhook without a secret must be refused")
            return
        }
        #expect(error.problems.contains { $0.hasPrefix("telegram.webhook.secret") })
        let ok = try await load(["host": "0.0.0.0", "telegram.token": token, "telegram.webhook.secret": "abc_DEF-123"]).get()
        #expect(ok.telegram.webhookSecret?.matches("abc_DEF-123") == true)
        // Polling needs no public address, hence no secret.
        _ = try await load(["host": "0.0.0.0", "telegram.token": token, "telegram.mode": "polling"]).get()
    }

    @Test func problemsAreListedWithoutEchoingSecrets() async throws {
        let badToken = "not-a-token-but-secret-looking"
        guard case .failure(let error) = try await load([
            "telegram.mode": "carrier-pigeon", "telegram.token": badToken, "telegram.webhook.secret": "has spaces in it",
            "telegram.parseMode": "markdown", "telegram.webhook.path": "telegram", "telegram.apiBaseUrl": "ftp://x",
            "telegram.username": "x", "telegram.webhook.url": "http://insecure.example.org",
        ]) else {
            Issue.record("expected problems")
            return
        }
        let text = error.description
        for key in ["telegram.mode", "telegram.token", "telegram.webhook.secret", "telegram.parseMode", "telegram.webhook.path", "telegram.apiBaseUrl", "telegram.username", "telegram.webhook.url"] {
            #expect(text.contains(key), "\(key)")
        }
        #expect(!text.contains(badToken))
        #expect(!text.contains("has spaces in it"))
    }

    @Test func pollingWithoutATokenIsAProblem() async throws {
        guard case .failure(let error) = try await load(["telegram.mode": "polling"]) else {
            Issue.record("expected a problem")
            return
        }
        #expect(error.problems == ["telegram.token: required when telegram.mode is polling"])
    }

    @Test func tuning() async throws {
        let s = try await load([
            "telegram.token": token, "telegram.mode": "polling", "telegram.parseMode": "HTML", "telegram.privacyMode": "false",
            "telegram.username": "@example_helper_bot", "telegram.rate.perChatMs": "500", "telegram.rate.globalPerSecond": "100",
            "telegram.allowedUpdates": "message, my_chat_member", "telegram.polling.timeoutSeconds": "50",
            "telegram.polling.deleteWebhook": "true", "telegram.webhook.path": "/hooks/tg",
        ]).get().telegram
        #expect(s.parseMode == .html)
        #expect(!s.privacyMode)
        #expect(s.username == "example_helper_bot")
        #expect(s.pacing == TelegramPacer.Limits(perChatInterval: .milliseconds(500), perGroupPerMinute: 20, globalPerSecond: 100))
        #expect(s.allowedUpdates == ["message", "my_chat_member"])
        #expect(s.pollingTimeoutSeconds == 50)
        #expect(s.deleteWebhookForPolling)
        #expect(s.webhookPath == "/hooks/tg")
    }
}
