import ArgumentParser
import AsyncHTTPClient
import Foundation
import HeartlineServer
import Logging
import NIOCore
import TelegramAdapter

/// `heartline telegram …`: manage the bot's webhook and look at its state. Subcommands live in
/// their own files.
struct TelegramCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "telegram",
        abstract: "Set up the Telegram bot: register or delete its webhook, show its state.",
        discussion: """
        The bot token comes from telegram.token (HEARTLINE_TELEGRAM_TOKEN); it is never printed.
        See adapters/telegram/README.md for the whole setup.
        """,
        subcommands: [TelegramSetWebhook.self, TelegramDeleteWebhook.self, TelegramInfo.self]
    )

    /// Runs `body` with a Bot API client built from settings, then shuts the client down.
    static func withAPI<T: Sendable>(
        _ settings: HeartlineSettings, _ body: (TelegramBotAPI) async throws -> T
    ) async throws -> T {
        guard let token = settings.telegram.token else {
            throw ValidationError("telegram.token is not set (HEARTLINE_TELEGRAM_TOKEN or --config)")
        }
        do {
            // AsyncHTTPClient's structured `withHTTPClient` shuts the client down on every path.
            return try await HTTPClient.withHTTPClient(configuration: .init(timeout: .init(connect: .seconds(10)))) { client in
                let api = TelegramBotAPI(
                    httpClient: client,
                    configuration: .init(baseURL: settings.telegram.apiBaseURL, token: token, callTimeout: .seconds(20), retry: TelegramRetryPolicy(maxRetries: 2, maxFloodWaits: 1, maxRetryAfter: .seconds(30))),
                    logger: Logger(label: "heartline.telegram.cli")
                )
                return try await body(api)
            }
        } catch let error as TelegramAPIError {
            throw TelegramCLIError(message: Self.explain(error))
        }
    }

    static func explain(_ error: TelegramAPIError) -> String {
        if let failure = error.failure, failure.code == 401 || failure.code == 404 {
            return "Telegram refused the bot token (\(failure.code)). Check telegram.token."
        }
        return "\(error)"
    }
}

/// A failed Bot API call, printed as `Error: …` without the usage text.
struct TelegramCLIError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
