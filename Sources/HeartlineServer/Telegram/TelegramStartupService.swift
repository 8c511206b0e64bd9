import ChatCore
import Foundation
import Logging
import ServiceLifecycle
import TelegramAdapter

/// At start, learns the bot's username (`getMe`) and registers the command menu, retrying with
/// backoff while Telegram is unreachable; the webhook works meanwhile (commands with a suffix are
/// recognised once the username is known, or at once when `telegram.username` is set).
struct TelegramStartupService: Service, CustomStringConvertible {
    // ServiceLifecycle logs services by description; keep it to the name.
    var description: String { "TelegramStartupService" }

    let api: TelegramBotAPI
    let profile: TelegramBotProfile
    let registerCommands: Bool
    let logger: Logger
    let sleep: @Sendable (Duration) async throws -> Void

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await introduce()
        }
        try? await gracefulShutdown()
    }

    func introduce() async {
        var wait = Duration.seconds(1)
        while !Task.isCancelled {
            do {
                let me = try await api.getMe()
                if let username = me.username {
                    if let configured = profile.current.username, configured.lowercased() != username.lowercased() {
                        logger.warning("telegram.username differs from the bot's real username; using the real one")
                    }
                    profile.learn(username: username)
                }
                if registerCommands { try await TelegramCommandMenu.register(with: api) }
                logger.info("telegram bot ready", metadata: ["telegram.bot": "\(profile.current.username ?? profile.current.key)"])
                return
            } catch {
                if case .cancelled = error { return }
                if let failure = error.failure, failure.code == 401 || failure.code == 404 {
                    logger.error("Telegram refused the bot token (401/404); check telegram.token")
                    return
                }
                logger.warning("telegram not reachable yet; retrying", metadata: ["telegram.error": "\(error)", "telegram.wait_ms": "\(wait.milliseconds)"])
            }
            do { try await sleep(wait) } catch { return }
            wait = min(wait * 2, .seconds(300))
        }
    }
}
