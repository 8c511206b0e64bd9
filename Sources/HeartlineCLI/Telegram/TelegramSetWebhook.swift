import ArgumentParser
import Foundation
import HeartlineServer
import TelegramAdapter

/// `heartline telegram set-webhook --url https://…/telegram/webhook [--secret …]`.
struct TelegramSetWebhook: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-webhook",
        abstract: "Point the bot's webhook at this server (HTTPS, with a secret token) and register its commands."
    )

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: "Public HTTPS URL of the webhook, e.g. https://bot.example.org/telegram/webhook (default: telegram.webhook.url).")
    var url: String?

    @Option(name: .long, help: "Secret token (1–256 of A-Z a-z 0-9 _ -). Default: telegram.webhook.secret; prefer that, command lines are visible to other users.")
    var secret: String?

    @Flag(name: .customLong("drop-pending-updates"), help: "Discard updates Telegram has queued for the bot.")
    var dropPendingUpdates = false

    @Option(name: .customLong("max-connections"), help: "Simultaneous connections Telegram may open (1–100, Telegram's default 40).")
    var maxConnections: Int?

    @Flag(name: .customLong("skip-commands"), help: "Do not register the /start /help /reset /forget menu.")
    var skipCommands = false

    func run() async throws {
        var extra: [String: String] = [:]
        extra["telegram.webhook.url"] = url
        extra["telegram.webhook.secret"] = secret
        let settings = try await common.settings(extra: extra)
        guard let target = settings.telegram.webhookURL else { throw ValidationError("--url is required (an https:// URL Telegram can reach)") }
        guard let secret = settings.telegram.webhookSecret else {
            throw ValidationError("a secret token is required: set telegram.webhook.secret (HEARTLINE_TELEGRAM_WEBHOOK_SECRET) or pass --secret")
        }
        if let maxConnections, !(1...100).contains(maxConnections) { throw ValidationError("--max-connections must be 1…100") }
        if !target.hasSuffix(settings.telegram.webhookPath), !target.contains(settings.telegram.webhookPath + "/") {
            print("note: the URL does not end with telegram.webhook.path (\(settings.telegram.webhookPath)); make sure your proxy forwards it there")
        }
        try await TelegramCommand.withAPI(settings) { api in
            try await api.setWebhook(
                url: target, secret: secret, allowedUpdates: settings.telegram.allowedUpdates, maxConnections: maxConnections,
                dropPendingUpdates: dropPendingUpdates
            )
            if !skipCommands { try await TelegramCommandMenu.register(with: api) }
        }
        print("Webhook set to \(target) (secret token set; updates: \(settings.telegram.allowedUpdates.joined(separator: ", "))).")
        if !skipCommands { print("Command menu registered (Chinese default, English for English clients).") }
        print("Run the server with telegram.mode=webhook and the same telegram.webhook.secret.")
    }
}
