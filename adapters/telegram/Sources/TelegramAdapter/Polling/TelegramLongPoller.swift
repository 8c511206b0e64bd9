import ChatCore
import Foundation
import Logging

/// Where the poller keeps the next `offset`, so a restart neither loses nor repeats updates.
public protocol TelegramOffsetStore: Sendable {
    func load() async throws -> Int64?
    func save(_ offset: Int64) async throws
}

/// Why polling cannot run.
public enum TelegramPollingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A webhook is set and the operator did not ask for it to be deleted.
    case webhookActive
    /// 401/404: the token is wrong or revoked.
    case unauthorized
    case offsetStore(String)

    public var description: String {
        switch self {
        case .webhookActive:
            "a Telegram webhook is set for this bot, so long polling cannot run. Delete it with `heartline telegram delete-webhook` or start with --telegram-delete-webhook (telegram.polling.deleteWebhook=true)"
        case .unauthorized:
            "Telegram refused the bot token (401/404). Check telegram.token"
        case .offsetStore(let why):
            "cannot keep the polling offset: \(why)"
        }
    }
}

/// What the handler did with one update.
public enum TelegramUpdateHandling: Sendable, Equatable {
    /// Durably recorded (or deliberately ignored): the offset may move past it.
    case done
    /// Not recorded (busy, store down): poll it again later, do not move past it.
    case retryLater
}

/// Long polling (B.3): `getUpdates` with `offset`, `timeout` and `allowed_updates`. An update is
/// confirmed (the offset moves past it, locally and then at Telegram) only after the handler
/// recorded it; the offset is saved after every batch. If the process dies between recording and
/// saving, the next start fetches those updates again and the inbox's dedupe drops them.
public struct TelegramLongPoller: Sendable {
    public struct Options: Sendable {
        public var timeoutSeconds: Int
        public var limit: Int
        public var allowedUpdates: [String]?
        public var deleteWebhook: Bool
        /// Waits after failures: doubled per consecutive failure up to `maxBackoff`.
        public var baseBackoff: Duration
        public var maxBackoff: Duration

        public init(
            timeoutSeconds: Int = 25, limit: Int = 100, allowedUpdates: [String]? = TelegramLongPoller.defaultAllowedUpdates,
            deleteWebhook: Bool = false, baseBackoff: Duration = .seconds(1), maxBackoff: Duration = .seconds(30)
        ) {
            self.timeoutSeconds = timeoutSeconds
            self.limit = limit
            self.allowedUpdates = allowedUpdates
            self.deleteWebhook = deleteWebhook
            self.baseBackoff = baseBackoff
            self.maxBackoff = maxBackoff
        }
    }

    public static let defaultAllowedUpdates = ["message", "edited_message", "my_chat_member"]

    let api: TelegramBotAPI
    let offsets: any TelegramOffsetStore
    let options: Options
    let logger: Logger
    let sleep: @Sendable (Duration) async throws -> Void

    public init(
        api: TelegramBotAPI, offsets: any TelegramOffsetStore, options: Options = Options(),
        logger: Logger = Logger(label: "heartline.telegram.polling"),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.api = api
        self.offsets = offsets
        self.options = options
        self.logger = logger
        self.sleep = sleep
    }

    /// Refuses to poll while a webhook is set, unless told to delete it.
    public func prepare() async throws(TelegramPollingError) {
        let info: TelegramWebhookInfo
        do {
            info = try await api.getWebhookInfo()
        } catch {
            if let failure = error.failure, failure.code == 401 || failure.code == 404 { throw .unauthorized }
            // Telegram unreachable: the first getUpdates will tell (409 if a webhook is set).
            logger.warning("could not check for a webhook before polling", metadata: ["telegram.error": "\(error)"])
            return
        }
        guard !info.url.isEmpty else { return }
        guard options.deleteWebhook else { throw .webhookActive }
        do {
            try await api.deleteWebhook(dropPendingUpdates: false)
            logger.notice("deleted the webhook to poll instead (pending updates kept)")
        } catch {
            throw .webhookActive
        }
    }

    /// Polls until the task is cancelled.
    public func run(handle: @escaping @Sendable (TelegramUpdate) async -> TelegramUpdateHandling) async throws(TelegramPollingError) {
        var offset: Int64?
        do {
            offset = try await offsets.load()
        } catch {
            throw .offsetStore("\(error)")
        }
        var failures = 0
        while !Task.isCancelled {
            let outcome = try await pollOnce(offset: offset, handle: handle)
            offset = outcome.offset
            if outcome.failed {
                failures += 1
                let wait = min(options.baseBackoff * Int(pow(2, Double(min(failures - 1, 10)))), options.maxBackoff)
                do { try await sleep(wait) } catch { return }
            } else {
                failures = 0
            }
        }
    }

    public struct PollOutcome: Sendable, Equatable {
        public var offset: Int64?
        public var handled: Int
        public var failed: Bool
    }

    /// One `getUpdates` round: fetch, hand each update over in order, save the new offset.
    public func pollOnce(offset: Int64?, handle: @Sendable (TelegramUpdate) async -> TelegramUpdateHandling) async throws(TelegramPollingError) -> PollOutcome {
        let batch: [TelegramPolledUpdate]
        do {
            batch = try await api.getUpdates(offset: offset, limit: options.limit, timeoutSeconds: options.timeoutSeconds, allowedUpdates: options.allowedUpdates)
        } catch {
            if case .cancelled = error { return PollOutcome(offset: offset, handled: 0, failed: false) }
            if let failure = error.failure {
                if failure.code == 401 || failure.code == 404 { throw .unauthorized }
                if failure.isWebhookActive { throw .webhookActive }
            }
            logger.warning("getUpdates failed; retrying", metadata: ["telegram.error": "\(error)"])
            return PollOutcome(offset: offset, handled: 0, failed: true)
        }
        var next = offset
        var handled = 0
        var stalled = false
        for element in batch {
            guard let update = element.update else {
                // Unreadable element without an id: it cannot be confirmed on its own; the next
                // readable id confirms it. Logged, not answered.
                logger.warning("skipping an unreadable update from getUpdates")
                continue
            }
            if let current = next, update.updateID < current { continue }  // already confirmed
            if await handle(update) == .retryLater {
                stalled = true
                break
            }
            handled += 1
            next = update.updateID + 1
        }
        if !stalled, next == offset, batch.contains(where: { $0.update == nil }), let known = batch.compactMap({ $0.update?.updateID }).max() {
            next = known + 1
        }
        if let next, next != offset {
            do {
                try await offsets.save(next)
            } catch {
                // Not fatal: the next getUpdates confirms at Telegram anyway; after a restart the
                // older saved offset only brings back updates the inbox already knows.
                logger.error("could not save the polling offset", metadata: ["error.kind": "\(type(of: error))"])
            }
        }
        return PollOutcome(offset: next, handled: handled, failed: stalled)
    }
}
