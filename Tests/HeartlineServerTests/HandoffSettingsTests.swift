import ChatCore
import Foundation
import HeartlineServer
import Testing

/// `handoff.*` settings: off without a token, on with one (on any address, since the token is what
/// protects the console), and every invalid value reported.
@Suite struct HandoffSettingsTests {
    func load(_ values: [String: String] = [:], environment: [String: String] = [:]) async throws -> Result<HeartlineSettings, SettingsError> {
        let reader = try await SettingsLoader.reader(overrides: values, environment: environment, dotEnvPath: nil)
        var loader = SettingsLoader(reader: reader)
        do {
            return .success(try loader.load())
        } catch {
            return .failure(error)
        }
    }

    @Test func offWithoutATokenAndOnWithOne() async throws {
        let off = try await load().get()
        #expect(!off.handoff.isEnabled && !off.handoff.pipeline.enabled)
        let on = try await load(environment: ["HEARTLINE_HANDOFF_TOKEN": "0123456789abcdef-token", "HEARTLINE_HOST": "0.0.0.0"]).get()
        #expect(on.handoff.isEnabled && on.handoff.onCrisis && on.handoff.timeout == .seconds(600))
        let tuned = try await load(["handoff.token": "0123456789abcdef-token", "handoff.onCrisis": "false", "handoff.timeoutMinutes": "2.5"]).get()
        #expect(tuned.handoff.pipeline == .init(enabled: true, onCrisis: false, timeout: .seconds(150)))
        let disabled = try await load(["handoff.token": "0123456789abcdef-token", "handoff.enabled": "false"]).get()
        #expect(!disabled.handoff.isEnabled)
    }

    @Test func invalidValuesAreAllListed() async throws {
        guard case .failure(let error) = try await load(["handoff.enabled": "true", "handoff.timeoutMinutes": "0", "handoff.onCrisis": "maybe"]) else {
            Issue.record("accepted invalid settings")
            return
        }
        let text = error.description
        #expect(text.contains("handoff.token: required") && text.contains("handoff.timeoutMinutes") && text.contains("handoff.onCrisis"))
        guard case .failure(let short) = try await load(["handoff.token": "short"]) else {
            Issue.record("accepted a short token")
            return
        }
        #expect(short.description.contains("at least 16") && !short.description.contains("short\n"))
    }

    @Test func theOperatorsGroupNeedsTheTelegramChannelAndANumericChat() async throws {
        let token = "0123456789abcdef-token"
        guard case .failure(let error) = try await load(["handoff.token": token, "handoff.telegramChatId": "counsellors"]) else {
            Issue.record("accepted a group without Telegram")
            return
        }
        #expect(error.description.contains("expected a Telegram chat id") && error.description.contains("needs the Telegram channel"))
        let settings = try await load(
            ["handoff.token": token, "handoff.telegramChatId": "-1001234567890"],
            environment: ["HEARTLINE_TELEGRAM_TOKEN": "7000000002:AAH_fake-Token_for_tests"]
        ).get()
        #expect(settings.handoff.telegramChatID == -1_001_234_567_890)
    }
}
