import Foundation

/// `User` (B.5). Ids fit in 52 bits; decoded as `Int64`.
public struct TelegramUser: Sendable, Equatable, Codable {
    public var id: Int64
    public var isBot: Bool
    public var firstName: String?
    public var username: String?
    public var languageCode: String?

    public init(id: Int64, isBot: Bool = false, firstName: String? = nil, username: String? = nil, languageCode: String? = nil) {
        self.id = id
        self.isBot = isBot
        self.firstName = firstName
        self.username = username
        self.languageCode = languageCode
    }

    enum CodingKeys: String, CodingKey {
        case id
        case isBot = "is_bot"
        case firstName = "first_name"
        case username
        case languageCode = "language_code"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        id = try c.decode(Int64.self, forKey: AnyCodingKey("id"))
        isBot = c.lenient(Bool.self, "is_bot") ?? false
        firstName = c.lenient(String.self, "first_name")
        username = c.lenient(String.self, "username")
        languageCode = c.lenient(String.self, "language_code")
    }
}

/// `Chat` (B.5): private chats have the user's (positive) id, groups negative ids, supergroups and
/// channels `-100…`.
public struct TelegramChat: Sendable, Equatable, Decodable {
    public enum Kind: String, Sendable, Equatable {
        case `private`, group, supergroup, channel
        /// A chat type added after this code was written.
        case other
    }

    public var id: Int64
    public var kind: Kind
    public var title: String?

    public init(id: Int64, kind: Kind, title: String? = nil) {
        self.id = id
        self.kind = kind
        self.title = title
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        id = try c.decode(Int64.self, forKey: AnyCodingKey("id"))
        kind = c.lenient(String.self, "type").flatMap(Kind.init(rawValue:)) ?? .other
        title = c.lenient(String.self, "title")
    }

    public var isGroup: Bool { kind == .group || kind == .supergroup }
}

/// `MessageEntity` (B.5). `offset` and `length` count UTF-16 code units.
public struct TelegramMessageEntity: Sendable, Equatable, Decodable {
    public var type: String
    public var offset: Int
    public var length: Int
    /// For `text_mention`.
    public var user: TelegramUser?

    public init(type: String, offset: Int, length: Int, user: TelegramUser? = nil) {
        self.type = type
        self.offset = offset
        self.length = length
        self.user = user
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        type = try c.decode(String.self, forKey: AnyCodingKey("type"))
        offset = try c.decode(Int.self, forKey: AnyCodingKey("offset"))
        length = try c.decode(Int.self, forKey: AnyCodingKey("length"))
        user = c.lenient(TelegramUser.self, "user")
    }

    /// The entity's text, sliced by UTF-16 offsets; nil when the range does not fit the text or
    /// would cut a surrogate pair.
    public func text(in message: String) -> String? {
        let utf16 = message.utf16
        guard offset >= 0, length > 0, offset <= utf16.count, length <= utf16.count - offset else { return nil }
        let start = utf16.index(utf16.startIndex, offsetBy: offset)
        let end = utf16.index(start, offsetBy: length)
        guard let lower = start.samePosition(in: message.unicodeScalars), let upper = end.samePosition(in: message.unicodeScalars) else {
            return nil
        }
        return String(message.unicodeScalars[lower..<upper])
    }
}

/// `ChatMemberUpdated` (B.4) for `my_chat_member`: the bot's own membership changed.
public struct TelegramChatMemberUpdated: Sendable, Equatable, Decodable {
    public var chat: TelegramChat
    public var from: TelegramUser?
    public var date: Int64
    public var oldStatus: String
    public var newStatus: String

    public init(chat: TelegramChat, from: TelegramUser?, date: Int64, oldStatus: String, newStatus: String) {
        self.chat = chat
        self.from = from
        self.date = date
        self.oldStatus = oldStatus
        self.newStatus = newStatus
    }

    struct Member: Decodable {
        var status: String
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        chat = try c.decode(TelegramChat.self, forKey: AnyCodingKey("chat"))
        from = c.lenient(TelegramUser.self, "from")
        date = c.lenient(Int64.self, "date") ?? 0
        oldStatus = try c.decode(Member.self, forKey: AnyCodingKey("old_chat_member")).status
        newStatus = try c.decode(Member.self, forKey: AnyCodingKey("new_chat_member")).status
    }
}
