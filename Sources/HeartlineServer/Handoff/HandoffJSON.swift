import ChatCore
import Foundation

/// The handoff API's JSON shapes. Dates are ISO 8601 (UTC, milliseconds); the user appears only
/// as the short form of the keyed hash, never a platform id.
enum HandoffJSON {
    struct List: Encodable {
        var conversations: [Conversation]
    }

    struct Conversation: Encodable {
        var id: String
        var channel: String
        var reason: String
        var status: String
        var openedAt: String
        var updatedAt: String
        var firstCounsellorReplyAt: String?
        var closedAt: String?
        var user: String
        var messages: [Message]

        init(_ handoff: Handoff) {
            id = handoff.id
            channel = handoff.channel.rawValue
            reason = handoff.reason.rawValue
            status = handoff.status.rawValue
            openedAt = HandoffJSON.date(handoff.openedAt)
            updatedAt = HandoffJSON.date(handoff.updatedAt)
            firstCounsellorReplyAt = handoff.firstCounsellorReplyAt.map(HandoffJSON.date)
            closedAt = handoff.closedAt.map(HandoffJSON.date)
            user = handoff.userHash.short
            messages = handoff.messages.map(Message.init)
        }
    }

    struct Message: Encodable {
        var id: String
        var from: String
        var text: String
        var at: String
        var counsellor: String?

        init(_ message: HandoffMessage) {
            id = message.id
            from = message.from.rawValue
            text = message.text
            at = HandoffJSON.date(message.at)
            counsellor = message.counsellor
        }
    }

    struct Sent: Encodable {
        var message: Message
        var delivered: Bool
        var reason: String?
    }

    struct Closed: Encodable {
        var id: String
        var status: String
        var delivered: Bool
        var reason: String?
    }

    static func date(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
