import Foundation
import TelegramAdapter

/// Settings of the Telegram channel (`telegram.*` keys; see adapters/telegram/README.md).
public struct TelegramSettings: Sendable, Equatable {
    public enum Mode: String, Sendable, Equatable, CaseIterable {
        /// Telegram POSTs updates to `webhookPath` (public HTTPS in front of Heartline).
        case webhook
        /// Heartline calls `getUpdates` (no public address needed).
        case polling
        case off
    }

    /// `telegram.mode`; nil: `webhook` when a token is set, else `off`.
    public var configuredMode: Mode?
    /// `telegram.token` (secret).
    public var token: TelegramBotToken?
    /// `telegram.username`: the bot's @username (learned from `getMe` when not set).
    public var username: String?
    /// `telegram.webhook.secret` (secret): required for a webhook reachable beyond loopback.
    public var webhookSecret: TelegramWebhookSecret?
    public var webhookPath = "/telegram/webhook"
    /// `telegram.webhook.url`: the public URL `heartline telegram set-webhook` registers by default.
    public var webhookURL: String?
    public var maxBodyBytes = 1 << 20
    public var apiBaseURL = "https://api.telegram.org"
    public var parseMode: TelegramParseMode = .plain
    /// `telegram.privacyMode`: true (BotFather's default) answers only commands and replies in
    /// groups; false also answers `@bot` mentions.
    public var privacyMode = true
    public var allowedUpdates = TelegramLongPoller.defaultAllowedUpdates
    public var pollingTimeoutSeconds = 25
    /// `telegram.polling.deleteWebhook`: delete a webhook that blocks polling instead of refusing.
    public var deleteWebhookForPolling = false
    public var pacing = TelegramPacer.Limits()
    public var typingInterval: Duration = .seconds(4)
    public var typingDelay: Duration = .milliseconds(500)
    public var callTimeout: Duration = .seconds(30)
    /// Register /start /help /reset /forget with `setMyCommands` at start.
    public var registerCommands = true

    public init() {}

    public var mode: Mode {
        configuredMode ?? (token == nil ? .off : .webhook)
    }

    public var isEnabled: Bool { mode != .off && token != nil }
}
