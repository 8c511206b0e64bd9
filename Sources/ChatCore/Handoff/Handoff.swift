import Foundation

/// A conversation handed from the bot to a human counsellor. It belongs to one user on one
/// channel; while it is `open` the model stays silent and the counsellor answers from the console
/// or the JSON API. The delivery address (`chatKey`, `routing`) is kept so that a counsellor's
/// message reaches the user after a restart; `/forget` deletes the handoff with everything else.
public struct Handoff: Sendable, Codable, Equatable {
    public enum Reason: String, Sendable, Codable, CaseIterable {
        /// The safety layer saw a crisis (`handoff.onCrisis`).
        case crisis
        /// The user asked for a person ("转人工", "/human", …).
        case request
    }

    public enum Status: String, Sendable, Codable, CaseIterable {
        /// The bot is silent; a counsellor answers.
        case open
        /// No counsellor answered in time: the bot answers again, the handoff stays visible and
        /// a counsellor may still step in (which opens it again).
        case timedOut
        case closed
    }

    public var id: String
    public var userHash: UserHash
    public var channel: ChatChannel
    /// Where messages go (Telegram chat id, WeChat openid, local user name); emptied when the
    /// handoff closes, so that no delivery address is kept longer than it is needed.
    public var chatKey: String
    /// The adapter's delivery hints of the message that opened the handoff.
    public var routing: [String: String]
    public var languageTag: String?
    public var reason: Reason
    public var status: Status
    public var openedAt: Date
    public var updatedAt: Date
    /// Since when the user has waited for a counsellor (set at open and by a user message, cleared
    /// by a counsellor's message); the timeout counts from here.
    public var waitingSince: Date?
    public var firstCounsellorReplyAt: Date?
    public var closedAt: Date?
    /// The most recent messages (filled by the store when asked; not written by `update`).
    public var messages: [HandoffMessage]

    public init(
        id: String = UUID().uuidString.lowercased(), userHash: UserHash, channel: ChatChannel, chatKey: String,
        routing: [String: String] = [:], languageTag: String? = nil, reason: Reason, openedAt: Date
    ) {
        self.id = id
        self.userHash = userHash
        self.channel = channel
        self.chatKey = chatKey
        self.routing = routing
        self.languageTag = languageTag
        self.reason = reason
        self.status = .open
        self.openedAt = openedAt
        self.updatedAt = openedAt
        self.waitingSince = openedAt
        self.firstCounsellorReplyAt = nil
        self.closedAt = nil
        self.messages = []
    }

    /// Whether the user has waited longer than `timeout` for a counsellor.
    public func isOverdue(at now: Date, timeout: Duration) -> Bool {
        guard status == .open, let waitingSince else { return false }
        return now.timeIntervalSince(waitingSince) >= timeout.seconds
    }

    public var language: ReplyLanguage { ReplyLanguage(text: "", languageTag: languageTag) }

    /// A message addressed to this handoff's chat, as a messenger expects it (the platform
    /// message id names the counsellor message, for logs only).
    public func outbound(id messageID: String, at date: Date) -> InboundMessage {
        InboundMessage(
            channel: channel, userKey: "", chatKey: chatKey, platformMessageID: messageID, text: "",
            languageTag: languageTag, receivedAt: date, routing: routing
        )
    }
}

/// One line of a handoff conversation, as the counsellor sees it.
public struct HandoffMessage: Sendable, Codable, Equatable {
    public enum Author: String, Sendable, Codable {
        case user
        case bot
        case counsellor
    }

    /// Unique within the handoff: the inbox entry for a user message (so that a replay after a
    /// crash does not add it twice), a fresh id otherwise.
    public var id: String
    public var from: Author
    public var text: String
    public var at: Date
    /// The counsellor's name, for the audit trail.
    public var counsellor: String?

    public init(id: String = UUID().uuidString.lowercased(), from: Author, text: String, at: Date, counsellor: String? = nil) {
        self.id = id
        self.from = from
        self.text = text
        self.at = at
        self.counsellor = counsellor
    }
}
