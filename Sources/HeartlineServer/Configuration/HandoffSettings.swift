import ChatCore
import Foundation

/// Settings of the counsellor handoff (`handoff.*`). Without a token there is no console and no
/// API, so no counsellor could answer: handoffs then never open.
public struct HandoffSettings: Sendable, Equatable {
    /// nil: on when `token` is set. `true` without a token is a configuration error.
    public var enabled: Bool?
    /// Bearer token of the console and the JSON API (secret).
    public var token: String?
    /// Open a handoff on a crisis verdict.
    public var onCrisis = true
    /// With no counsellor reply for this long, the bot says so and answers again.
    public var timeout: Duration = .seconds(600)
    /// How often open handoffs are checked for the timeout.
    public var checkInterval: Duration = .seconds(15)
    /// Turns shown per handoff in the API and the console.
    public var recentMessages = 50
    /// The operators' Telegram group: handoffs are posted there and replies reach the user.
    public var telegramChatID: Int64?

    public init() {}

    public var isEnabled: Bool { (enabled ?? true) && token != nil }

    /// The pipeline's view of these settings.
    public var pipeline: HandoffConfiguration {
        HandoffConfiguration(enabled: isEnabled, onCrisis: onCrisis, timeout: timeout)
    }
}

extension SettingsLoader {
    /// `handoff.*` keys. Problems join the others so the operator sees them all at once.
    mutating func loadHandoff(into handoff: inout HandoffSettings, telegramEnabled: Bool) {
        handoff.enabled = bool("handoff.enabled")
        handoff.token = secret("handoff.token")
        handoff.onCrisis = bool("handoff.onCrisis") ?? handoff.onCrisis
        if let minutes = double("handoff.timeoutMinutes", range: 0.05...(7 * 24 * 60)) {
            handoff.timeout = .milliseconds(Int64(minutes * 60_000))
        }
        handoff.checkInterval = milliseconds("handoff.checkIntervalMs", range: 100...600_000) ?? handoff.checkInterval
        handoff.recentMessages = int("handoff.recentMessages", range: 1...1000) ?? handoff.recentMessages
        if let chat = string("handoff.telegramChatId") {
            if let id = Int64(chat) {
                handoff.telegramChatID = id
            } else {
                problems.append("handoff.telegramChatId: expected a Telegram chat id such as -1001234567890")
            }
            if !telegramEnabled { problems.append("handoff.telegramChatId: needs the Telegram channel (telegram.token)") }
        }
        if handoff.enabled == true, handoff.token == nil {
            problems.append("handoff.token: required when handoff.enabled is true (the console and API need it, on any address)")
        }
        if let token = handoff.token, token.utf8.count < 16 {
            problems.append("handoff.token: must be at least 16 characters")
        }
    }
}
