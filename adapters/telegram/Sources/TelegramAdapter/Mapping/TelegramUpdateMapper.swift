import ChatCore
import Foundation

/// What to do with an update.
public enum TelegramUpdateDisposition: Sendable, Equatable {
    /// Record in the inbox and answer.
    case submit(InboundMessage)
    /// The bot was blocked, unblocked, removed or added: record, do not answer.
    case membership(TelegramMembershipChange)
    /// Nothing to do (acknowledged with 200 so Telegram stops delivering it).
    case ignore(TelegramIgnoreReason)
}

/// A change of the bot's membership in a chat (`my_chat_member`, B.4).
public struct TelegramMembershipChange: Sendable, Equatable {
    public var chatID: Int64
    /// True when the bot can no longer write there (blocked by the user, kicked or left).
    public var blocked: Bool
    public var at: Date
}

/// Why an update is not answered; a metrics and log label, never shown to users.
public enum TelegramIgnoreReason: String, Sendable, Equatable, CaseIterable {
    /// A group message not meant for the bot.
    case notAddressed = "not_addressed"
    /// A command addressed to another bot (`/help@otherbot`).
    case otherBot = "other_bot"
    /// A plain mention while privacy mode is on (only commands and replies count then).
    case mentionIgnored = "mention_ignored"
    case fromBot = "from_bot"
    case noSender = "no_sender"
    case channel
    case editedInGroup = "edited_in_group"
    case serviceMessage = "service_message"
    case invalidIdentifiers = "invalid_identifiers"
    /// An update type the bot does not handle (`callback_query`, new types…).
    case unhandledUpdate = "unhandled_update"
    case malformedPayload = "malformed_payload"
    case emptyUpdate = "empty_update"
}

/// Maps an `Update` to an `InboundMessage` (or a reason to ignore it). Pure.
///
/// - Private chats: every message; text is answered, media gets the "text only" reply, edits the
///   polite "I only answer new messages" reply.
/// - Groups: only commands for this bot (`/cmd@thisbot`, or one of our commands without a suffix),
///   replies to the bot's own messages, and `@thisbot` mentions when privacy mode is off.
/// - Group sessions are kept per chat and user, apart from the user's private session, so that
///   nothing said in private is used to answer in front of a group.
public struct TelegramUpdateMapper: Sendable {
    public var identity: TelegramBotIdentity
    /// Privacy mode off (BotFather `/setprivacy`): plain mentions address the bot too.
    public var respondToMentions: Bool

    public init(identity: TelegramBotIdentity, respondToMentions: Bool = false) {
        self.identity = identity
        self.respondToMentions = respondToMentions
    }

    public func map(_ update: TelegramUpdate, receivedAt: Date) -> TelegramUpdateDisposition {
        switch update.payload {
        case .message(let message):
            return map(message, updateID: update.updateID, edited: false, receivedAt: receivedAt)
        case .editedMessage(let message):
            return map(message, updateID: update.updateID, edited: true, receivedAt: receivedAt)
        case .myChatMember(let change):
            guard change.chat.id != 0, change.chat.kind != .channel else { return .ignore(.unhandledUpdate) }
            let blocked = ["kicked", "left"].contains(change.newStatus)
            return .membership(TelegramMembershipChange(chatID: change.chat.id, blocked: blocked, at: receivedAt))
        case .other:
            return .ignore(.unhandledUpdate)
        case .malformed:
            return .ignore(.malformedPayload)
        case .empty:
            return .ignore(.emptyUpdate)
        }
    }

    private func map(_ message: TelegramMessage, updateID: Int64, edited: Bool, receivedAt: Date) -> TelegramUpdateDisposition {
        guard message.chat.kind == .private || message.chat.isGroup else { return .ignore(.channel) }
        guard let sender = message.from else { return .ignore(.noSender) }
        guard !sender.isBot else { return .ignore(.fromBot) }
        guard sender.id > 0, message.messageID > 0, message.chat.id != 0,
              message.chat.kind != .private || message.chat.id > 0
        else { return .ignore(.invalidIdentifiers) }

        let isGroup = message.chat.isGroup
        if edited {
            if isGroup { return .ignore(.editedInGroup) }
            // The edited text is not needed to answer politely, so it is not stored.
            return .submit(inbound(message, sender: sender, updateID: updateID, text: "", kind: .edited, receivedAt: receivedAt))
        }

        let body = message.text ?? message.caption
        let entities = message.text != nil ? message.entities : message.captionEntities
        var text = body ?? ""
        if isGroup {
            switch addressing(text: text, entities: entities, replyTo: message.replyTo) {
            case .notAddressed(let reason): return .ignore(reason)
            case .addressed(let normalized): text = normalized
            }
        } else if let command = TelegramBotCommand.leading(in: text, entities: entities) {
            text = command.normalizedText
        }

        if let media = message.media {
            return .submit(inbound(message, sender: sender, updateID: updateID, text: "", kind: .unsupported(media), receivedAt: receivedAt))
        }
        guard body != nil else {
            if message.isService || isGroup { return .ignore(.serviceMessage) }
            return .submit(inbound(message, sender: sender, updateID: updateID, text: "", kind: .unsupported("other"), receivedAt: receivedAt))
        }
        return .submit(inbound(message, sender: sender, updateID: updateID, text: text, kind: .text, receivedAt: receivedAt))
    }

    enum Addressing: Equatable {
        case addressed(normalizedText: String)
        case notAddressed(TelegramIgnoreReason)
    }

    /// Decides whether a group message is meant for the bot, and what text the pipeline sees.
    func addressing(text: String, entities: [TelegramMessageEntity], replyTo: TelegramReplyTarget?) -> Addressing {
        if let command = TelegramBotCommand.leading(in: text, entities: entities) {
            if let target = command.target {
                return identity.isNamed(target[...]) ? .addressed(normalizedText: command.normalizedText) : .notAddressed(.otherBot)
            }
            // Without a suffix only our own commands count: `/ban` is for another bot.
            if Command(rawValue: command.name) != nil { return .addressed(normalizedText: command.normalizedText) }
            if replyTo?.from?.id != identity.id { return .notAddressed(.notAddressed) }
        }
        let mention = ownMention(in: text, entities: entities)
        let stripped = mention.map { strip($0, from: text) } ?? text
        if replyTo?.from?.id == identity.id { return .addressed(normalizedText: stripped) }
        if mention != nil {
            return respondToMentions ? .addressed(normalizedText: stripped) : .notAddressed(.mentionIgnored)
        }
        return .notAddressed(.notAddressed)
    }

    /// The first `@thisbot` mention or `text_mention` of the bot.
    func ownMention(in text: String, entities: [TelegramMessageEntity]) -> TelegramMessageEntity? {
        entities.first { entity in
            switch entity.type {
            case "mention": entity.text(in: text).map { identity.isNamed($0[...]) } ?? false
            case "text_mention": entity.user?.id == identity.id
            default: false
            }
        }
    }

    /// Removes a mention that opens the message (`@bot how are you` → `how are you`); a mention in
    /// the middle of a sentence stays, it is part of what was said.
    func strip(_ mention: TelegramMessageEntity, from text: String) -> String {
        let utf16 = text.utf16
        guard mention.offset >= 0, mention.offset + mention.length <= utf16.count else { return text }
        let start = utf16.index(utf16.startIndex, offsetBy: mention.offset)
        let end = utf16.index(start, offsetBy: mention.length)
        guard text[..<start].allSatisfy(\.isWhitespace), let upper = end.samePosition(in: text) else { return text }
        return String(text[upper...]).trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: ",，:：")))
    }

    private func inbound(
        _ message: TelegramMessage, sender: TelegramUser, updateID: Int64, text: String, kind: InboundMessage.Kind, receivedAt: Date
    ) -> InboundMessage {
        let bot = identity.key
        let isGroup = message.chat.isGroup
        var routing: [String: String] = [
            TelegramRouting.bot: bot,
            TelegramRouting.chatType: message.chat.kind.rawValue,
            TelegramRouting.messageID: String(message.messageID),
        ]
        if let thread = message.messageThreadID, message.isTopicMessage { routing[TelegramRouting.threadID] = String(thread) }
        return InboundMessage(
            channel: .telegram,
            userKey: isGroup ? "telegram:\(bot):\(message.chat.id):\(sender.id)" : "telegram:\(bot):\(sender.id)",
            chatKey: String(message.chat.id),
            platformMessageID: "\(bot):\(updateID)",
            text: text,
            kind: kind,
            languageTag: sender.languageCode,
            receivedAt: receivedAt,
            routing: routing
        )
    }
}

/// Keys of `InboundMessage.routing` for Telegram.
public enum TelegramRouting {
    public static let bot = "telegram.bot"
    public static let chatType = "telegram.chat_type"
    public static let messageID = "telegram.message_id"
    public static let threadID = "telegram.thread_id"
}
