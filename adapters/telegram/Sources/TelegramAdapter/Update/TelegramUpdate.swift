import Foundation

/// One Telegram `Update` (docs/protocols.md B.4), decoded leniently: ids are `Int64`, unknown keys are
/// ignored, and an update type this adapter does not handle is kept by name instead of failing.
public struct TelegramUpdate: Sendable, Equatable, Decodable {
    public enum Payload: Sendable, Equatable {
        case message(TelegramMessage)
        case editedMessage(TelegramMessage)
        case myChatMember(TelegramChatMemberUpdated)
        /// A payload we do not act on (`channel_post`, `callback_query`, a type added after this
        /// code was written…), named for logs and metrics.
        case other(String)
        /// A payload we act on whose content could not be decoded (named).
        case malformed(String)
        /// Only `update_id`, nothing else.
        case empty
    }

    public var updateID: Int64
    public var payload: Payload

    public init(updateID: Int64, payload: Payload) {
        self.updateID = updateID
        self.payload = payload
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        updateID = try container.decode(Int64.self, forKey: AnyCodingKey("update_id"))
        payload = Self.payload(in: container)
    }

    private static func payload(in container: KeyedDecodingContainer<AnyCodingKey>) -> Payload {
        if container.contains(AnyCodingKey("message")) {
            return (try? container.decode(TelegramMessage.self, forKey: AnyCodingKey("message"))).map(Payload.message) ?? .malformed("message")
        }
        if container.contains(AnyCodingKey("edited_message")) {
            return (try? container.decode(TelegramMessage.self, forKey: AnyCodingKey("edited_message"))).map(Payload.editedMessage)
                ?? .malformed("edited_message")
        }
        if container.contains(AnyCodingKey("my_chat_member")) {
            return (try? container.decode(TelegramChatMemberUpdated.self, forKey: AnyCodingKey("my_chat_member"))).map(Payload.myChatMember)
                ?? .malformed("my_chat_member")
        }
        // Key order in a JSON object is not meaningful; sort so the name is deterministic.
        let others = container.allKeys.map(\.stringValue).filter { $0 != "update_id" }.sorted()
        guard let name = others.first else { return .empty }
        return .other(Self.safeName(name))
    }

    /// Payload names end up in logs: keep them short and plain.
    static func safeName(_ name: String) -> String {
        let plain = name.utf8.count <= 40 && name.allSatisfy { $0.isASCII && ($0.isLowercase || $0 == "_" || $0.isNumber) }
        return plain ? name : "unknown"
    }
}

/// The fields of a `Message` (B.5) this adapter uses. `reply_to_message` is decoded as a
/// `TelegramReplyTarget` (Telegram nests it one level only; we need just its sender).
public struct TelegramMessage: Sendable, Equatable, Decodable {
    public var messageID: Int64
    public var messageThreadID: Int64?
    public var from: TelegramUser?
    public var chat: TelegramChat
    public var date: Int64
    public var text: String?
    public var entities: [TelegramMessageEntity]
    public var caption: String?
    public var captionEntities: [TelegramMessageEntity]
    public var replyTo: TelegramReplyTarget?
    public var isTopicMessage: Bool
    /// The first non-text content found (`photo`, `sticker`, `voice`, …), nil for text.
    public var media: String?
    /// True for service messages (members joined, title changed, chat migrated…).
    public var isService: Bool

    static let mediaKeys = [
        "photo", "sticker", "voice", "video", "video_note", "audio", "document", "animation", "contact",
        "location", "venue", "poll", "dice", "game", "story", "paid_media", "checklist", "invoice",
    ]
    static let serviceKeys = [
        "new_chat_members", "left_chat_member", "new_chat_title", "new_chat_photo", "delete_chat_photo",
        "group_chat_created", "supergroup_chat_created", "channel_chat_created", "migrate_to_chat_id",
        "migrate_from_chat_id", "pinned_message", "message_auto_delete_timer_changed", "forum_topic_created",
        "forum_topic_edited", "forum_topic_closed", "forum_topic_reopened", "video_chat_started",
        "video_chat_ended", "video_chat_scheduled", "video_chat_participants_invited", "write_access_allowed",
        "users_shared", "chat_shared", "boost_added", "chat_background_set",
    ]

    public init(
        messageID: Int64, messageThreadID: Int64? = nil, from: TelegramUser?, chat: TelegramChat, date: Int64,
        text: String?, entities: [TelegramMessageEntity] = [], caption: String? = nil,
        captionEntities: [TelegramMessageEntity] = [], replyTo: TelegramReplyTarget? = nil,
        isTopicMessage: Bool = false, media: String? = nil, isService: Bool = false
    ) {
        self.messageID = messageID
        self.messageThreadID = messageThreadID
        self.from = from
        self.chat = chat
        self.date = date
        self.text = text
        self.entities = entities
        self.caption = caption
        self.captionEntities = captionEntities
        self.replyTo = replyTo
        self.isTopicMessage = isTopicMessage
        self.media = media
        self.isService = isService
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        messageID = try c.decode(Int64.self, forKey: AnyCodingKey("message_id"))
        chat = try c.decode(TelegramChat.self, forKey: AnyCodingKey("chat"))
        date = (try? c.decodeIfPresent(Int64.self, forKey: AnyCodingKey("date"))) ?? 0
        messageThreadID = c.lenient(Int64.self, "message_thread_id")
        from = c.lenient(TelegramUser.self, "from")
        text = c.lenient(String.self, "text")
        entities = c.lenient(LenientArray<TelegramMessageEntity>.self, "entities")?.elements ?? []
        caption = c.lenient(String.self, "caption")
        captionEntities = c.lenient(LenientArray<TelegramMessageEntity>.self, "caption_entities")?.elements ?? []
        replyTo = c.lenient(TelegramReplyTarget.self, "reply_to_message")
        isTopicMessage = c.lenient(Bool.self, "is_topic_message") ?? false
        media = Self.mediaKeys.first { c.contains(AnyCodingKey($0)) }
        isService = Self.serviceKeys.contains { c.contains(AnyCodingKey($0)) }
    }
}

/// The message a message replies to: only whose it was matters here.
public struct TelegramReplyTarget: Sendable, Equatable, Decodable {
    public var messageID: Int64
    public var from: TelegramUser?
    /// The text replied to (the operators' group finds the handoff a counsellor answers in it).
    public var text: String?

    public init(messageID: Int64, from: TelegramUser?, text: String? = nil) {
        self.messageID = messageID
        self.from = from
        self.text = text
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        messageID = try c.decode(Int64.self, forKey: AnyCodingKey("message_id"))
        from = c.lenient(TelegramUser.self, "from")
        text = c.lenient(String.self, "text")
    }
}
