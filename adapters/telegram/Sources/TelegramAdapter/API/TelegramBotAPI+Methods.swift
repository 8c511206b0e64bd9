import Foundation

/// The Bot API methods Heartline uses, with their request and result shapes (B.2, B.3, B.6, B.8).
extension TelegramBotAPI {
    public func sendMessage(
        _ message: TelegramSendMessage, retry: TelegramRetryPolicy? = nil, onFloodWait: (@Sendable (Duration) async -> Void)? = nil
    ) async throws(TelegramAPIError) -> TelegramSentMessage {
        try await call("sendMessage", message, as: TelegramSentMessage.self, retry: retry, onFloodWait: onFloodWait)
    }

    /// One attempt with a short deadline: a typing indicator that arrives late is useless.
    public func sendChatAction(chatID: Int64, action: String = "typing", threadID: Int64? = nil, timeout: Duration = .seconds(5)) async throws(TelegramAPIError) {
        struct Params: Encodable, Sendable {
            var chat_id: Int64
            var action: String
            var message_thread_id: Int64?
        }
        _ = try await call("sendChatAction", Params(chat_id: chatID, action: action, message_thread_id: threadID), as: Bool.self, timeout: timeout, retry: TelegramRetryPolicy.none)
    }

    /// Streams a partial answer into a private chat (Bot API 9.5, docs/protocols.md B.11). A draft
    /// is an ephemeral preview: the answer is kept only by the `sendMessage` that follows. One
    /// attempt with a short deadline, like typing: a late draft is useless, the final message is not.
    public func sendMessageDraft(
        chatID: Int64, draftID: Int64, text: String, parseMode: String? = nil, threadID: Int64? = nil, timeout: Duration = .seconds(3)
    ) async throws(TelegramAPIError) {
        struct Params: Encodable, Sendable {
            var chat_id: Int64
            var draft_id: Int64
            var text: String
            var parse_mode: String?
            var message_thread_id: Int64?
        }
        let params = Params(chat_id: chatID, draft_id: draftID, text: text, parse_mode: parseMode, message_thread_id: threadID)
        _ = try await call("sendMessageDraft", params, as: Bool.self, timeout: timeout, retry: TelegramRetryPolicy.none)
    }

    public func setWebhook(
        url: String, secret: TelegramWebhookSecret?, allowedUpdates: [String]?, maxConnections: Int? = nil,
        dropPendingUpdates: Bool = false, retry: TelegramRetryPolicy? = nil
    ) async throws(TelegramAPIError) {
        struct Params: Encodable, Sendable {
            var url: String
            var secret_token: String?
            var allowed_updates: [String]?
            var max_connections: Int?
            var drop_pending_updates: Bool?
        }
        let params = Params(
            url: url, secret_token: secret?.value, allowed_updates: allowedUpdates, max_connections: maxConnections,
            drop_pending_updates: dropPendingUpdates ? true : nil
        )
        _ = try await call("setWebhook", params, as: Bool.self, retry: retry)
    }

    public func deleteWebhook(dropPendingUpdates: Bool = false, retry: TelegramRetryPolicy? = nil) async throws(TelegramAPIError) {
        struct Params: Encodable, Sendable { var drop_pending_updates: Bool? }
        _ = try await call("deleteWebhook", Params(drop_pending_updates: dropPendingUpdates ? true : nil), as: Bool.self, retry: retry)
    }

    public func getWebhookInfo(retry: TelegramRetryPolicy? = nil) async throws(TelegramAPIError) -> TelegramWebhookInfo {
        try await call("getWebhookInfo", NoParameters(), as: TelegramWebhookInfo.self, retry: retry)
    }

    public func getMe(retry: TelegramRetryPolicy? = nil) async throws(TelegramAPIError) -> TelegramUser {
        try await call("getMe", NoParameters(), as: TelegramUser.self, retry: retry)
    }

    public func setMyCommands(_ commands: [TelegramCommandDescription], languageCode: String? = nil, retry: TelegramRetryPolicy? = nil) async throws(TelegramAPIError) {
        struct Params: Encodable, Sendable {
            var commands: [TelegramCommandDescription]
            var language_code: String?
        }
        _ = try await call("setMyCommands", Params(commands: commands, language_code: languageCode), as: Bool.self, retry: retry)
    }

    /// Long poll (B.3). The call's deadline is the poll timeout plus `callTimeout`, so a poll that
    /// legitimately waits is not mistaken for a dead connection.
    public func getUpdates(offset: Int64?, limit: Int = 100, timeoutSeconds: Int, allowedUpdates: [String]?) async throws(TelegramAPIError) -> [TelegramPolledUpdate] {
        struct Params: Encodable, Sendable {
            var offset: Int64?
            var limit: Int
            var timeout: Int
            var allowed_updates: [String]?
        }
        let params = Params(offset: offset, limit: limit, timeout: timeoutSeconds, allowed_updates: allowedUpdates)
        return try await call(
            "getUpdates", params, as: [TelegramPolledUpdate].self,
            timeout: .seconds(timeoutSeconds) + configuration.callTimeout, retry: TelegramRetryPolicy.none
        )
    }
}

struct NoParameters: Encodable, Sendable {}

/// `sendMessage` parameters (B.6).
public struct TelegramSendMessage: Encodable, Sendable, Equatable {
    public struct ReplyParameters: Encodable, Sendable, Equatable {
        public var messageID: Int64
        public var allowSendingWithoutReply = true

        enum CodingKeys: String, CodingKey {
            case messageID = "message_id"
            case allowSendingWithoutReply = "allow_sending_without_reply"
        }
    }

    public struct LinkPreviewOptions: Encodable, Sendable, Equatable {
        public var isDisabled = true
        enum CodingKeys: String, CodingKey { case isDisabled = "is_disabled" }
    }

    public var chatID: Int64
    public var text: String
    public var parseMode: String?
    public var messageThreadID: Int64?
    public var replyParameters: ReplyParameters?
    /// Previews of links in model output are switched off.
    public var linkPreviewOptions = LinkPreviewOptions()

    public init(chatID: Int64, text: String, parseMode: String? = nil, messageThreadID: Int64? = nil, replyTo: Int64? = nil) {
        self.chatID = chatID
        self.text = text
        self.parseMode = parseMode
        self.messageThreadID = messageThreadID
        self.replyParameters = replyTo.map { ReplyParameters(messageID: $0) }
    }

    enum CodingKeys: String, CodingKey {
        case chatID = "chat_id"
        case text
        case parseMode = "parse_mode"
        case messageThreadID = "message_thread_id"
        case replyParameters = "reply_parameters"
        case linkPreviewOptions = "link_preview_options"
    }
}

/// The part of the sent `Message` we read back.
public struct TelegramSentMessage: Decodable, Sendable, Equatable {
    public var messageID: Int64
    public var chatID: Int64?

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        messageID = try c.decode(Int64.self, forKey: AnyCodingKey("message_id"))
        chatID = c.lenient(TelegramChat.self, "chat")?.id
    }
}

/// `BotCommand` for `setMyCommands`.
public struct TelegramCommandDescription: Codable, Sendable, Equatable {
    public var command: String
    public var description: String

    public init(command: String, description: String) {
        self.command = command
        self.description = description
    }
}

/// `WebhookInfo` (B.2).
public struct TelegramWebhookInfo: Decodable, Sendable, Equatable {
    public var url: String
    public var hasCustomCertificate: Bool
    public var pendingUpdateCount: Int
    public var lastErrorDate: Int64?
    public var lastErrorMessage: String?
    public var maxConnections: Int?
    public var allowedUpdates: [String]?

    enum CodingKeys: String, CodingKey {
        case url
        case hasCustomCertificate = "has_custom_certificate"
        case pendingUpdateCount = "pending_update_count"
        case lastErrorDate = "last_error_date"
        case lastErrorMessage = "last_error_message"
        case maxConnections = "max_connections"
        case allowedUpdates = "allowed_updates"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        url = (try? c.decodeIfPresent(String.self, forKey: .url)) ?? ""
        hasCustomCertificate = (try? c.decodeIfPresent(Bool.self, forKey: .hasCustomCertificate)) ?? false
        pendingUpdateCount = (try? c.decodeIfPresent(Int.self, forKey: .pendingUpdateCount)) ?? 0
        lastErrorDate = (try? c.decodeIfPresent(Int64.self, forKey: .lastErrorDate)) ?? nil
        lastErrorMessage = (try? c.decodeIfPresent(String.self, forKey: .lastErrorMessage)) ?? nil
        maxConnections = (try? c.decodeIfPresent(Int.self, forKey: .maxConnections)) ?? nil
        allowedUpdates = (try? c.decodeIfPresent([String].self, forKey: .allowedUpdates)) ?? nil
    }
}

/// One element of a `getUpdates` result. Never fails to decode: an element that is not a usable
/// update keeps what could be read, so the poller can still move its offset past it.
public struct TelegramPolledUpdate: Decodable, Sendable, Equatable {
    public var update: TelegramUpdate?

    public init(update: TelegramUpdate?) {
        self.update = update
    }

    public init(from decoder: any Decoder) throws {
        update = try? TelegramUpdate(from: decoder)
    }
}
