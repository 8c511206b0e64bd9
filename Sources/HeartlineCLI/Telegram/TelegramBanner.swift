import Foundation
import HeartlineServer

/// The lines `serve` prints about the Telegram channel.
enum TelegramBanner {
    static func lines(settings: HeartlineSettings, base: String) -> [String] {
        let telegram = settings.telegram
        guard telegram.isEnabled else { return [] }
        switch telegram.mode {
        case .webhook:
            let secret = telegram.webhookSecret == nil ? "no secret token (loopback only)" : "secret token required"
            return ["  telegram: webhook at \(base)\(telegram.webhookPath) (\(secret)); register it with `heartline telegram set-webhook --url https://…`"]
        case .polling:
            return ["  telegram: long polling \(telegram.apiBaseURL) (timeout \(telegram.pollingTimeoutSeconds) s)"]
        case .off:
            return []
        }
    }
}
