import ChatCore
import Foundation
import Hummingbird
import Logging

/// `GET <prefix>/messages?after=<message id | ISO 8601 time>` with the session token: what the
/// page cannot receive otherwise — the counsellor's messages and the desk's notices (timed out,
/// closed) of this user's latest handoff, after the cursor, oldest first:
/// `{"messages":[{"id","from","text","at","counsellor"?}],"handoff":"open"|"timedOut"|"closed"|null}`.
/// The bot's replies (the holding message among them) are left out: the page got them from `ask`.
/// Read from the configured store, so any instance answers (docs/handoff.md).
extension MiniProgramRoutes {
    struct PollResponse: Encodable {
        struct Message: Encodable {
            var id: String
            var from: String
            var text: String
            var at: String
            var counsellor: String?
        }
        var messages: [Message]
        /// Encoded even when nil: the page stops polling on `null`.
        var handoff: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(messages, forKey: .messages)
            try container.encode(handoff, forKey: .handoff)
        }

        enum CodingKeys: String, CodingKey { case messages, handoff }
    }

    enum Cursor: Equatable {
        case id(String)
        case time(Date)
    }

    /// The most messages of one handoff the poll looks through (a handoff rarely holds more).
    static let pollWindow = 500

    func messages(_ request: Request) async throws(APIError) -> Response {
        let session = try authenticate(request)
        let cursor = try Self.cursor(request.uri.queryParameters.get("after"))
        let user = intake.hasher.hash(userKey(session.openID))
        if let wait = pollLimiter.take(user) {
            throw rateLimited(wait, "Too many requests. Try again in a moment.")
        }
        guard let handoffs else { return JSONCoding.response(PollResponse(messages: [], handoff: nil)) }
        var handoff: Handoff?
        do {
            if let latest = try await handoffs.latest(for: user) {
                handoff = try await handoffs.handoff(id: latest.id, messageLimit: Self.pollWindow)
            }
        } catch {
            logger.error("mini-program handoff poll failed", metadata: ["chat.user": "\(user.short)", "error.kind": "\(type(of: error))"])
            throw .storeUnavailable
        }
        guard let handoff else { return JSONCoding.response(PollResponse(messages: [], handoff: nil)) }
        let items = Self.unseen(handoff.messages, after: cursor).map { message in
            PollResponse.Message(
                id: message.id, from: message.from.rawValue, text: message.text, at: HandoffJSON.date(message.at),
                counsellor: message.from == .counsellor ? message.counsellor : nil
            )
        }
        return JSONCoding.response(PollResponse(messages: items, handoff: handoff.status.rawValue))
    }

    /// The messages the page shows, after the cursor. An id the window no longer holds (or one of
    /// an earlier handoff) is treated as no cursor: the page drops ids it already has.
    static func unseen(_ all: [HandoffMessage], after cursor: Cursor?) -> [HandoffMessage] {
        var rest = all[...]
        switch cursor {
        case .none: break
        // Compared as the page saw the time (milliseconds), so that `after=<its at>` excludes it.
        case .time(let date): rest = rest.filter { shownTime($0.at) > date }[...]
        case .id(let id):
            if let index = all.firstIndex(where: { $0.id == id }) { rest = all[(index + 1)...] }
        }
        return rest.filter { $0.from == .counsellor || ($0.from == .bot && $0.id.hasPrefix(HandoffDesk.noticePrefix)) }
    }

    static func shownTime(_ date: Date) -> Date {
        (try? Date(HandoffJSON.date(date), strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))) ?? date
    }

    /// `after`: absent, a message id (letters, digits, - _ . :, up to 128) or an ISO 8601 time.
    static func cursor(_ raw: String?) throws(APIError) -> Cursor? {
        guard let raw, !raw.isEmpty else { return nil }
        guard raw.utf8.count <= 128 else { throw .invalidField("after", "must be a message id or an ISO 8601 time") }
        if let date = (try? Date(raw, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))) ?? (try? Date(raw, strategy: .iso8601)) {
            return .time(date)
        }
        let allowed = raw.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.:".unicodeScalars.contains($0)) }
        guard allowed else { throw .invalidField("after", "must be a message id or an ISO 8601 time") }
        return .id(raw)
    }
}
