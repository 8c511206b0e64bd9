import Foundation

/// Delivers replies to a platform. One per channel; the local channel has none (its caller reads
/// the reply from the HTTP response).
public protocol Messenger: Sendable {
    /// Sends the reply to the chat the message came from. Throws `DeliveryError`.
    func deliver(_ reply: Reply, for message: InboundMessage) async throws
    /// Shows a typing indicator (called repeatedly while the model works). Failures are ignored.
    func indicateTyping(for message: InboundMessage) async
    /// How often `indicateTyping` should be repeated; nil for platforms without one.
    var typingInterval: Duration? { get }
    /// Where the checked drafts of a streamed answer to `message` are shown (Telegram private
    /// chats), or nil when this platform or chat has no drafts; `deliver` sends the final reply
    /// either way. Failures inside the sink are ignored: a draft is only a preview.
    func draftSink(for message: InboundMessage) -> ReplyDraftSink?
}

extension Messenger {
    public func indicateTyping(for message: InboundMessage) async {}
    public var typingInterval: Duration? { nil }
    public func draftSink(for message: InboundMessage) -> ReplyDraftSink? { nil }
}

/// Why a delivery failed, which decides whether it is retried.
public enum DeliveryError: Error, Sendable, Equatable {
    /// The platform will not accept messages for this user now (blocked the bot, 48-hour window
    /// closed, quota used). Recorded, never retried.
    case permanent(reason: String)
    /// Worth retrying later (5xx, throttling, connection errors) and all retries are used up.
    case exhausted(reason: String)
}
