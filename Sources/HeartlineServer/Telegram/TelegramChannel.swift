import ChatCore
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import TelegramAdapter

/// Adds the Telegram channel to the application: the webhook route or the poller, and the startup
/// checks. Returns the services to run.
enum TelegramChannel {
    static func install<Context: RequestContext>(
        _ telegram: TelegramComponents, router: Router<Context>, intake: MessageIntake, isLoopback: Bool,
        logger: Logger, now: @escaping @Sendable () -> Date,
        operators: (chatID: Int64, receive: @Sendable (TelegramMessage, Int64) async -> Void)? = nil
    ) -> [any Service] {
        let settings = telegram.settings
        var updates = TelegramUpdateIntake(
            intake: intake, profile: telegram.profile, respondToMentions: !settings.privacyMode, chats: telegram.chats,
            logger: logger.with(label: "heartline.telegram"), now: now
        )
        updates.operators = operators
        var services: [any Service] = [TelegramStartupService(
            api: telegram.api, profile: telegram.profile, registerCommands: settings.registerCommands,
            logger: logger.with(label: "heartline.telegram"), sleep: { try await Task.sleep(for: $0) }
        )]
        switch settings.mode {
        case .webhook:
            if settings.webhookSecret == nil {
                logger.warning("telegram webhook without a secret token: acceptable on loopback only", metadata: ["loopback": "\(isLoopback)"])
            }
            TelegramWebhookRoutes(
                updates: updates, secret: settings.webhookSecret, path: settings.webhookPath,
                maxBodyBytes: settings.maxBodyBytes, profile: telegram.profile
            ).add(to: router)
        case .polling:
            let poller = TelegramLongPoller(
                api: telegram.api, offsets: telegram.offsets,
                options: .init(timeoutSeconds: settings.pollingTimeoutSeconds, allowedUpdates: settings.allowedUpdates, deleteWebhook: settings.deleteWebhookForPolling),
                logger: logger.with(label: "heartline.telegram.polling")
            )
            services.append(TelegramPollingService(poller: poller, updates: updates, logger: logger.with(label: "heartline.telegram.polling")))
        case .off:
            return []
        }
        return services
    }
}
