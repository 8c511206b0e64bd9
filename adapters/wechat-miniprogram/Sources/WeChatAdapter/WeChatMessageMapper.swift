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
        var routing: [String: String] = [:]
        switch m.msgType {
        case "text":
            kind = .text
            text = m.content ?? ""
        case "event":
            guard m.event == "user_enter_tempsession" else { return .acknowledge(reason: "event") }
            kind = .greeting
            // The contact button's `session-from`: where in the mini program the user came from.
            if let source = m.sessionFrom.flatMap(Self.sessionSource) { routing[Self.sessionFromKey] = source }
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
            receivedAt: receivedAt,
            routing: routing
        ))
    }

    /// The routing key that carries `SessionFrom` to the messenger.
    public static let sessionFromKey = "wechat.session_from"

    /// `SessionFrom` as a short page tag (letters, digits, `-_.:/`, at most 64), or nil: it is
    /// logged and compared, never shown, so anything else is dropped rather than escaped.
    static func sessionSource(_ raw: String) -> String? {
        let value = raw.trimmingCharacters(in: .whitespaces)
        guard (1...64).contains(value.utf8.count),
              value.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.:/".unicodeScalars.contains($0)) })
        else { return nil }
        return value
    }
}
