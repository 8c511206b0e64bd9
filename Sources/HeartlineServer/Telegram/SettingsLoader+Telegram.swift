import Foundation
import TelegramAdapter

extension SettingsLoader {
    /// Reads `telegram.*`. Secrets are never echoed in problems.
    mutating func loadTelegram(isLoopback: Bool) -> TelegramSettings {
        var t = TelegramSettings()
        if let mode = string("telegram.mode") {
            if let parsed = TelegramSettings.Mode(rawValue: mode.lowercased()) {
                t.configuredMode = parsed
            } else {
                problems.append("telegram.mode: one of webhook, polling, off")
            }
        }
        if let token = secret("telegram.token") {
            if let parsed = TelegramBotToken(validating: token) {
                t.token = parsed
            } else {
                problems.append("telegram.token: expected the token BotFather gave, <bot id>:<letters, digits, _ and ->")
            }
        }
        if let username = string("telegram.username") {
            let bare = username.hasPrefix("@") ? String(username.dropFirst()) : username
            if (5...32).contains(bare.count), bare.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) {
                t.username = bare
            } else {
                problems.append("telegram.username: the bot's @username, 5–32 letters, digits or underscores")
            }
        }
        if let secret = secret("telegram.webhook.secret") {
            if let parsed = TelegramWebhookSecret(validating: secret) {
                t.webhookSecret = parsed
            } else {
                problems.append("telegram.webhook.secret: 1–256 characters of A-Z a-z 0-9 _ -")
            }
        }
        if let path = string("telegram.webhook.path") {
            let valid = path.hasPrefix("/") && path.count > 1 && !path.hasSuffix("/")
                && path.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "/-_.".contains($0)) }
            if valid { t.webhookPath = path } else { problems.append("telegram.webhook.path: an absolute path such as /telegram/webhook") }
        }
        if let url = string("telegram.webhook.url") {
            if url.hasPrefix("https://") { t.webhookURL = url } else { problems.append("telegram.webhook.url: Telegram requires an https:// URL") }
        }
        t.maxBodyBytes = int("telegram.webhook.maxBodyBytes", range: 4096...(16 << 20)) ?? t.maxBodyBytes
        if let base = string("telegram.apiBaseUrl") {
            if base.hasPrefix("https://") || base.hasPrefix("http://") { t.apiBaseURL = base } else { problems.append("telegram.apiBaseUrl: must start with http:// or https://") }
        }
        if let mode = string("telegram.parseMode") {
            if let parsed = TelegramParseMode(rawValue: mode.lowercased()) { t.parseMode = parsed } else { problems.append("telegram.parseMode: plain or html") }
        }
        t.privacyMode = bool("telegram.privacyMode") ?? t.privacyMode
        if let list = string("telegram.allowedUpdates") {
            t.allowedUpdates = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        t.pollingTimeoutSeconds = int("telegram.polling.timeoutSeconds", range: 0...50) ?? t.pollingTimeoutSeconds
        t.deleteWebhookForPolling = bool("telegram.polling.deleteWebhook") ?? t.deleteWebhookForPolling
        let perChat = milliseconds("telegram.rate.perChatMs", range: 0...60_000) ?? t.pacing.perChatInterval
        let perGroup = int("telegram.rate.perGroupPerMinute", range: 1...1_000_000) ?? t.pacing.perGroupPerMinute
        let global = int("telegram.rate.globalPerSecond", range: 1...1_000_000) ?? t.pacing.globalPerSecond
        t.pacing = TelegramPacer.Limits(perChatInterval: perChat, perGroupPerMinute: perGroup, globalPerSecond: global)
        t.typingInterval = milliseconds("telegram.typingIntervalMs", range: 1000...60_000) ?? t.typingInterval
        t.typingDelay = milliseconds("telegram.typingDelayMs", range: 0...10_000) ?? t.typingDelay
        t.callTimeout = milliseconds("telegram.callTimeoutMs", range: 1000...600_000) ?? t.callTimeout
        t.registerCommands = bool("telegram.registerCommands") ?? t.registerCommands

        if t.configuredMode == .webhook || t.configuredMode == .polling, t.token == nil, !problems.contains(where: { $0.hasPrefix("telegram.token") }) {
            problems.append("telegram.token: required when telegram.mode is \(t.mode.rawValue)")
        }
        if t.isEnabled, t.mode == .webhook, t.webhookSecret == nil, !isLoopback {
            problems.append("telegram.webhook.secret: required for a webhook reachable beyond loopback; anyone could post fake updates without it")
        }
        return t
    }
}
