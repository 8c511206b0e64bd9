import Foundation

/// A message from any platform, normalised by its adapter. The pipeline never sees a Telegram or
/// WeChat type; everything it needs is here.
public struct InboundMessage: Sendable, Codable, Equatable {
    public enum Kind: Sendable, Codable, Equatable {
        /// A text message (commands included: the pipeline recognises `/start`, `/help`, …).
        case text
        /// Something we cannot answer (photo, sticker, voice, mini-program card…); the associated
        /// value names it for metrics, e.g. `"photo"`.
        case unsupported(String)
        /// The user opened the conversation (WeChat `user_enter_tempsession`).
        case greeting
        /// An edit of an earlier message: acknowledged, not answered again.
        case edited
    }

    public var channel: ChatChannel
    /// Stable, namespaced platform identity of the sender, e.g. `telegram:mybot:5123456789`.
    /// Never logged or stored in clear text outside the inbox; the pipeline works on its keyed hash.
    public var userKey: String
    /// Where the reply goes (Telegram chat id, WeChat openid). Needed to deliver after a restart.
    public var chatKey: String
    /// Dedupe key unique within the channel (Telegram `bot:update_id`, WeChat `MsgId`, …).
    public var platformMessageID: String
    public var text: String
    public var kind: Kind
    /// Platform language tag, e.g. `en`, `zh-hans`; nil when unknown.
    public var languageTag: String?
    public var receivedAt: Date
    /// Adapter-specific delivery hints (reply-to message id, bot name). Opaque to the pipeline.
    public var routing: [String: String]

    public init(
        channel: ChatChannel,
        userKey: String,
        chatKey: String,
        platformMessageID: String,
        text: String,
        kind: Kind = .text,
        languageTag: String? = nil,
        receivedAt: Date,
        routing: [String: String] = [:]
    ) {
        self.channel = channel
        self.userKey = userKey
        self.chatKey = chatKey
        self.platformMessageID = platformMessageID
        self.text = text
        self.kind = kind
        self.languageTag = languageTag
        self.receivedAt = receivedAt
        self.routing = routing
    }

    /// The dedupe identity of this message across the whole service.
    public var dedupeKey: String { "\(channel.rawValue):\(platformMessageID)" }

    public var language: ReplyLanguage { ReplyLanguage(text: text, languageTag: languageTag) }
}
