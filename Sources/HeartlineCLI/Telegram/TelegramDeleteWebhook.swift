import ArgumentParser
import Foundation
import HeartlineServer
import TelegramAdapter

/// `heartline telegram delete-webhook`: needed before long polling can run (B.2, B.3).
struct TelegramDeleteWebhook: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete-webhook",
        abstract: "Remove the bot's webhook (for example to switch to long polling)."
    )

    @OptionGroup var common: CommonOptions

    @Flag(name: .customLong("drop-pending-updates"), help: "Also discard updates Telegram has queued for the bot.")
    var dropPendingUpdates = false

    func run() async throws {
        let settings = try await common.settings()
        try await TelegramCommand.withAPI(settings) { api in
            try await api.deleteWebhook(dropPendingUpdates: dropPendingUpdates)
        }
        print(dropPendingUpdates ? "Webhook deleted; pending updates dropped." : "Webhook deleted; pending updates are kept for polling.")
    }
}
