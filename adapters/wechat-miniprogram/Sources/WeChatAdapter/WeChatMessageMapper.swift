import ChatCore
import Foundation

/// What to do with a verified push.
public enum WeChatPushAction: Sendable, Equatable {
    /// Record and answer it.
    case submit(InboundMessage)
    /// Answer `success` and do nothing else (console test events, unknown events, probes).
    case acknowledge(reason: String)
}

/// Turns WeChat pushes into the pipeline's `InboundMessage`:
/// `text` → a question; `image`, `miniprogrampage` and other message types → unsupported (a short
/// "text only" reply); event `user_enter_tempsession` → a greeting; other events (`debug_demo`,
/// `wxa_media_check`, …) and probes → acknowledged only.
public struct WeChatMessageMapper: Sendable {
    public let appID: String

    public init(appID: String) {
        self.appID = appID
    }

    /// The user key of a mini-program user; shared by the push channel and the Q&A API so that a
    /// person has one session and one ordered queue.
    public static func userKey(appID: String, openID: String) -> String {
        "wechat:\(appID):\(openID)"
    }

    public func map(_ push: WeChatPush, receivedAt: Date) -> WeChatPushAction {
        guard case .message(let m) = push else { return .acknowledge(reason: "probe") }
        let kind: InboundMessage.Kind
        var text = ""
        switch m.msgType {
        case "text":
            kind = .text
            text = m.content ?? ""
        case "event":
            guard m.event == "user_enter_tempsession" else { return .acknowledge(reason: "event") }
            kind = .greeting
        default:
            kind = .unsupported(m.msgType)
        }
        return .submit(InboundMessage(
            channel: .wechat,
            userKey: Self.userKey(appID: appID, openID: m.fromUserName),
            chatKey: m.fromUserName,
            platformMessageID: "\(appID):\(m.dedupeID)",
            text: text,
            kind: kind,
            receivedAt: receivedAt
        ))
    }
}
