import ChatCore
import Foundation
import Logging
import ServiceLifecycle
import TelegramAdapter

/// Long polling as a service: refuses to start while a webhook is set (unless told to delete it),
/// then polls until graceful shutdown. Offsets move only past updates the inbox has recorded.
struct TelegramPollingService: Service, CustomStringConvertible {
    // ServiceLifecycle logs services by description; keep it to the name.
    var description: String { "TelegramPollingService" }

    let poller: TelegramLongPoller
    let updates: TelegramUpdateIntake
    let logger: Logger

    func run() async throws {
        try await poller.prepare()
        logger.info("telegram long polling started")
        try await cancelWhenGracefulShutdown {
            try await poller.run { update in await updates.handle(update).handling }
        }
        logger.info("telegram long polling stopped")
    }
}
