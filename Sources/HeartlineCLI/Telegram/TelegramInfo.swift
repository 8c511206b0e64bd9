import ArgumentParser
import Foundation
import HeartlineServer
import TelegramAdapter

/// `heartline telegram info`: who the bot is and what Telegram knows about its webhook.
struct TelegramInfo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show the bot (getMe) and its webhook state (getWebhookInfo)."
    )

    @OptionGroup var common: CommonOptions

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    struct Output: Encodable {
        var botID: Int64
        var username: String?
        var webhookURL: String
        var pendingUpdates: Int
        var lastError: String?
        var lastErrorDate: String?
        var allowedUpdates: [String]?
        var mode: String
    }

    func run() async throws {
        let settings = try await common.settings()
        let (me, hook) = try await TelegramCommand.withAPI(settings) { api in
            (try await api.getMe(), try await api.getWebhookInfo())
        }
        let output = Output(
            botID: me.id, username: me.username, webhookURL: hook.url, pendingUpdates: hook.pendingUpdateCount,
            lastError: hook.lastErrorMessage,
            lastErrorDate: hook.lastErrorDate.map { ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval($0))) },
            allowedUpdates: hook.allowedUpdates,
            mode: hook.url.isEmpty ? "polling (no webhook set)" : "webhook"
        )
        if json {
            print(String(decoding: JSONCoding.encode(output), as: UTF8.self))
            return
        }
        var lines = ["bot: @\(me.username ?? "?") (id \(me.id))"]
        lines.append("webhook: \(hook.url.isEmpty ? "none — the bot can be run with telegram.mode=polling" : hook.url)")
        lines.append("pending updates: \(hook.pendingUpdateCount)")
        if let allowed = hook.allowedUpdates { lines.append("allowed updates: \(allowed.joined(separator: ", "))") }
        if let error = output.lastError { lines.append("last delivery error: \(error) at \(output.lastErrorDate ?? "?")") }
        print(lines.joined(separator: "\n"))
    }
}
