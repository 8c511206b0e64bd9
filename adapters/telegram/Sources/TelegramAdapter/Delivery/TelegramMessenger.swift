import ChatCore
import Foundation
import Logging

/// Delivers replies with `sendMessage` and shows `typing` while the model works (B.6, B.8).
///
/// - Replies are split and formatted by `TelegramFormatter`; pieces go out in order, paced.
/// - In groups the first piece replies to the user's message so the group sees whom it answers.
/// - 429 waits `retry_after` (and slows that chat down); 5xx and connection errors are retried
///   with backoff by the client; a migrated group is followed and remembered; rejected markup is
///   resent as plain text; 403 (blocked, kicked) is recorded and never retried.
/// - Chat ids are user ids in private chats, so they are never logged.
public struct TelegramMessenger: Messenger {
    public struct Options: Sendable {
        /// How often `typing` is repeated (it shows for at most 5 s).
        public var typingInterval: Duration
        /// Typing is only shown when the answer takes longer than this.
        public var typingDelay: Duration
        /// Streamed answers in private chats: at most one `sendMessageDraft` per this interval
        /// (the newest checked text each time).
        public var draftInterval: Duration

        public init(typingInterval: Duration = .seconds(4), typingDelay: Duration = .milliseconds(500), draftInterval: Duration = .seconds(1)) {
            self.typingInterval = typingInterval
            self.typingDelay = typingDelay
            self.draftInterval = draftInterval
        }
    }

    let api: TelegramBotAPI
    let formatter: TelegramFormatter
    let pacer: TelegramPacer
    let chats: any TelegramChatRegistry
    let options: Options
    let logger: Logger
    let now: @Sendable () -> Date
    let sleep: @Sendable (Duration) async throws -> Void

    public init(
        api: TelegramBotAPI, formatter: TelegramFormatter, pacer: TelegramPacer, chats: any TelegramChatRegistry,
        options: Options = Options(), logger: Logger = Logger(label: "heartline.telegram.delivery"),
        now: @escaping @Sendable () -> Date = { Date() },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.api = api
        self.formatter = formatter
        self.pacer = pacer
        self.chats = chats
        self.options = options
        self.logger = logger
        self.now = now
        self.sleep = sleep
    }

    public var typingInterval: Duration? { options.typingInterval }

    public func indicateTyping(for message: InboundMessage) async {
        do {
            try await Task.sleep(for: options.typingDelay)
        } catch {
            return  // the answer was ready first
        }
        guard let chat = Int64(message.chatKey) else { return }
        if let since = await chats.blockedSince(chat), since >= message.receivedAt { return }
        let target = await chats.currentChatID(for: chat)
        let thread = message.routing[TelegramRouting.threadID].flatMap { Int64($0) }
        do {
            try await api.sendChatAction(chatID: target, threadID: thread)
        } catch {
            logger.debug("typing indicator failed", metadata: ["telegram.error": "\(error)"])
        }
    }

    /// Private chats only (the method's documented scope); groups keep the plain `sendMessage`
    /// path. Drafts are plain text: a sentence cut from an answer need not be valid markup.
    public func draftSink(for message: InboundMessage) -> ReplyDraftSink? {
        guard message.routing[TelegramRouting.chatType] == "private", let chat = Int64(message.chatKey), chat > 0 else { return nil }
        // One draft id per message, so Telegram animates the changes of this answer's draft.
        let draftID = message.routing[TelegramRouting.messageID].flatMap { Int64($0) }.map { $0 % Int64(Int32.max) + 1 } ?? 1
        let (api, logger, sleep, interval) = (api, logger, sleep, options.draftInterval)
        return { text in
            // A draft longer than one message shows its first part; the final reply is split as usual.
            let limited = TelegramTextSplitter.split(text).first ?? ""
            guard !limited.isEmpty else { return }
            do {
                try await api.sendMessageDraft(chatID: chat, draftID: draftID, text: limited)
            } catch {
                logger.debug("draft not shown", metadata: ["telegram.error": "\(error)"])
            }
            // Paced (B.9): the sink returns only after the interval, so the pipeline's next draft
            // is the newest one by then, and drafts come at most once per interval.
            try? await sleep(interval)
        }
    }

    public func deliver(_ reply: Reply, for message: InboundMessage) async throws {
        try await deliverTyped(reply, for: message)
    }

    func deliverTyped(_ reply: Reply, for message: InboundMessage) async throws(DeliveryError) {
        guard reply.deliver else { return }
        guard let originalChat = Int64(message.chatKey), originalChat != 0 else { throw .permanent(reason: "invalid_chat") }
        if let since = await chats.blockedSince(originalChat), since >= message.receivedAt {
            throw .permanent(reason: "blocked")
        }
        let chatType = message.routing[TelegramRouting.chatType]
        let isGroup = chatType == "group" || chatType == "supergroup" || (chatType == nil && originalChat < 0)
        var target = Target(
            original: originalChat,
            chatID: await chats.currentChatID(for: originalChat),
            isGroup: isGroup,
            threadID: message.routing[TelegramRouting.threadID].flatMap { Int64($0) }
        )
        let replyTo = isGroup ? message.routing[TelegramRouting.messageID].flatMap { Int64($0) } : nil
        for (index, piece) in formatter.messages(for: reply).enumerated() {
            try await send(piece, to: &target, replyTo: index == 0 ? replyTo : nil)
        }
    }

    struct Target {
        var original: Int64
        var chatID: Int64
        var isGroup: Bool
        var threadID: Int64?
    }

    private func send(_ piece: TelegramOutgoingText, to target: inout Target, replyTo: Int64?) async throws(DeliveryError) {
        var text = piece.text
        var parseMode = piece.parseMode
        var migrations = 0
        while true {
            let wait = await pacer.reserve(chat: target.chatID, isGroup: target.isGroup)
            if wait > .zero {
                do { try await sleep(wait) } catch { throw .exhausted(reason: "cancelled") }
            }
            let request = TelegramSendMessage(chatID: target.chatID, text: text, parseMode: parseMode, messageThreadID: target.threadID, replyTo: replyTo)
            let chatID = target.chatID
            let pacer = pacer
            do {
                _ = try await api.sendMessage(request, onFloodWait: { wait in await pacer.penalize(chat: chatID, for: wait) })
                return
            } catch {
                if let failure = error.failure {
                    if let newChat = failure.migrateToChatID, newChat != 0, newChat != target.chatID, migrations < 2 {
                        migrations += 1
                        await chats.recordMigration(from: target.original, to: newChat)
                        if target.chatID != target.original { await chats.recordMigration(from: target.chatID, to: newChat) }
                        target.chatID = newChat
                        logger.info("group moved to a supergroup; sending there")
                        continue
                    }
                    if failure.isMarkupRejected, parseMode != nil {
                        logger.warning("telegram rejected the markup; resending as plain text")
                        parseMode = nil
                        text = piece.plainText
                        continue
                    }
                    if failure.isForbidden {
                        await chats.setBlocked(target.original, at: now())
                        logger.info("bot blocked or removed from the chat; not retried", metadata: ["telegram.error": "\(failure.summary)"])
                        throw .permanent(reason: "forbidden")
                    }
                }
                throw Self.deliveryError(for: error)
            }
        }
    }

    static func deliveryError(for error: TelegramAPIError) -> DeliveryError {
        switch error {
        case .api(let failure):
            if failure.code == 429 { return .exhausted(reason: "flood_wait") }
            if failure.code >= 500 { return .exhausted(reason: "server_error_\(failure.code)") }
            return .permanent(reason: "rejected_\(failure.code)")
        case .timeout: return .exhausted(reason: "timeout")
        case .transport(let kind): return .exhausted(reason: "transport_\(kind)")
        case .cancelled: return .exhausted(reason: "cancelled")
        case .responseTooLarge, .invalidResponse: return .exhausted(reason: "invalid_response")
        }
    }
}
