import ChatCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

extension MiniProgramRoutes {
    struct FeedbackRequest: Decodable {
        var replyId: String
        var vote: String
        var reason: String?
    }

    struct FeedbackResponse: Encodable {
        var recorded: Bool
        var vote: String
        var reason: String?
    }

    /// The largest feedback body: a reply id (≤ 1 KiB) and two short words.
    static let feedbackBodyLimit = 2048

    /// 👍/👎 on one answer. The vote is stored with what produced the answer (from the signed reply
    /// id), the user's hash and the time; never the question or the answer. A second vote on the
    /// same answer replaces the first. Nothing about the vote is logged beyond the user's short hash.
    func recordFeedback(_ request: Request) async throws(APIError) -> Response {
        let session = try authenticate(request)
        try RequestBody.requireJSONContentType(request)
        let body = try RequestBody.decodeJSON(FeedbackRequest.self, from: try await RequestBody.collect(request, limit: Self.feedbackBodyLimit))
        guard let vote = AnswerFeedback.Vote(rawValue: body.vote) else { throw .invalidField("vote", "must be up or down") }
        var reason: AnswerFeedback.Reason?
        if let raw = body.reason {
            guard let known = AnswerFeedback.Reason(rawValue: raw) else {
                throw .invalidField("reason", "must be one of \(AnswerFeedback.Reason.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard vote == .down else { throw .invalidField("reason", "is given only with a down vote") }
            reason = known
        }
        let user = intake.hasher.hash(userKey(session.openID))
        if let wait = feedbackLimiter.take(user) {
            throw rateLimited(wait, "Too many votes. Try again in a moment.")
        }
        guard let feedback else {
            throw APIError(.serviceUnavailable, "feedback_unavailable", "Feedback cannot be recorded on this server.")
        }
        guard let (replyKey, answer) = replyIDs.resolve(body.replyId, user: user, channel: .miniprogram, now: now()) else {
            throw APIError(.notFound, "unknown_reply", "No answer with this replyId can be rated (unknown, expired, or given to someone else).")
        }
        do {
            try await feedback.record(AnswerFeedback(user: user, replyKey: replyKey, vote: vote, reason: reason, answer: answer, votedAt: now()))
        } catch {
            logger.error("feedback could not be stored", metadata: ["chat.user": "\(user.short)", "error.kind": "\(type(of: error))"])
            throw .storeUnavailable
        }
        logger.debug("feedback recorded", metadata: ["chat.user": "\(user.short)", "feedback.vote": "\(vote.rawValue)", "reply.source": "\(answer.source.rawValue)"])
        return JSONCoding.response(FeedbackResponse(recorded: true, vote: vote.rawValue, reason: reason?.rawValue))
    }

    /// The reply id of an answer that can be rated: every delivered pipeline answer except crisis
    /// replies (a rating prompt under a crisis card is out of place) and handoff messages.
    func replyID(for reply: Reply, inboxID: String, user: UserHash) -> String? {
        guard feedback != nil, reply.deliver, reply.tier != .crisis, reply.source != .crisis, reply.source != .handoff else { return nil }
        return replyIDs.issue(reply, replyKey: inboxID, user: user, at: now())
    }
}
