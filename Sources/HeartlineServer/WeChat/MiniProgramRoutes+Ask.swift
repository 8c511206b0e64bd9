import ChatCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import WeChatAdapter

extension MiniProgramRoutes {
    /// A question ready for the pipeline, and what its answer needs.
    struct PreparedAsk: Sendable {
        var message: InboundMessage
        var openID: String
        var user: UserHash
        var language: ReplyLanguage
        var hotline: String
        /// Add the support resources to the answer (WeChat rated the question `review`).
        var care: Bool
        /// The message's inbox entry (the key of the answer's feedback id).
        var inboxID: String
    }

    enum AskStart {
        /// Answered before the pipeline (the platform check's refusal or holding reply).
        case answered(AskResponse)
        case submit(PreparedAsk)
    }

    func ask(_ request: Request) async throws(APIError) -> Response {
        switch try await startAsk(request) {
        case .answered(let response):
            return JSONCoding.response(response)
        case .submit(let prepared):
            return JSONCoding.response(try await finishAsk(try await submit(prepared.message), prepared))
        }
    }

    /// Authentication, validation, rate limit and the question's checks: everything before the
    /// pipeline, shared by `ask` and its chunked variant.
    func startAsk(_ request: Request) async throws(APIError) -> AskStart {
        let session = try authenticate(request)
        try RequestBody.requireJSONContentType(request)
        let body = try RequestBody.decodeJSON(AskRequest.self, from: try await RequestBody.collect(request, limit: 16 * 1024))
        let question = body.question.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !question.isEmpty else { throw .invalidField("question", "must not be empty") }
        if let key = body.idempotencyKey {
            guard (1...128).contains(key.utf8.count), key.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.:".unicodeScalars.contains($0)) }) else {
                throw .invalidField("idempotencyKey", "must be 1 to 128 letters, digits or - _ . :")
            }
        }
        if let lang = body.lang, lang.utf8.count > 35 { throw .invalidField("lang", "must be a language tag such as zh or en") }

        let key = userKey(session.openID)
        let user = intake.hasher.hash(key)
        if let wait = limiter.take(user) {
            throw rateLimited(wait, "Too many questions. Take a breath and ask again in a moment.")
        }
        let language = ReplyLanguage(text: question, languageTag: body.lang)
        let hotline = HotlineDirectory.shortLine(for: language)
        let message = InboundMessage(
            channel: .miniprogram, userKey: key, chatKey: session.openID,
            platformMessageID: "\(services.appID):ask:\(session.openID):\(body.idempotencyKey ?? UUID().uuidString)",
            text: question, languageTag: body.lang, receivedAt: now()
        )

        var care = false
        // A follow-up for a question already recorded was checked when it was first asked: asking
        // WeChat again would only spend quota and could turn a ready answer into a refusal.
        let inboxID = intake.hasher.inboxID(for: message)
        // The text is part of the "checked" mark: a different question under the same key (after
        // a busy store refused the first) is checked on its own.
        let checkedID = intake.hasher.hashIdentifier(inboxID + "\u{0}" + question)
        if let earlier = checked.lookup(checkedID, now: now()) {
            care = earlier
        } else if await !isAnswered(inboxID) {
            switch await checkQuestion(question, language: language, openID: session.openID, user: user) {
            case .proceed(let withCare):
                care = withCare
                checked.insert(checkedID, care: withCare, now: now())
            case .reply(let reply):
                return .answered(answerBody(reply, language: language, hotline: hotline))
            }
        }
        return .submit(PreparedAsk(
            message: message, openID: session.openID, user: user, language: language, hotline: hotline, care: care, inboxID: inboxID
        ))
    }

    /// The answer to a submitted question, through WeChat's check of the answer when it is on.
    func finishAsk(_ result: MessageIntake.SyncResult, _ prepared: PreparedAsk) async throws(APIError) -> AskResponse {
        let (user, language, hotline) = (prepared.user, prepared.language, prepared.hotline)
        var care = prepared.care
        switch result {
        case .reply(var reply, let duplicate):
            if reply.source == .model || reply.source == .retrieval {
                switch await moderation.assess(reply.body, openID: prepared.openID, user: user) {
                case .allow: break
                case .care: care = true
                case .refuse:
                    reply = Reply(body: MiniProgramReply.answerWithheld.text(language), tier: reply.tier, source: .outputReplaced, disclaimer: reply.disclaimer, resourceLine: hotline)
                case .unavailable:
                    reply = Reply(body: ReplyCatalog.text(.holding, language), tier: max(reply.tier, .concern), source: .failSafe, disclaimer: reply.disclaimer)
                }
            }
            if care, reply.resourceLine == nil { reply.resourceLine = hotline }
            return answerBody(
                reply, language: language, hotline: hotline, duplicate: duplicate,
                replyID: replyID(for: reply, inboxID: prepared.inboxID, user: user)
            )
        case .timedOut:
            logger.warning("mini-program answer not ready within the budget; fallback sent", metadata: ["chat.user": "\(user.short)"])
            return answerBody(Reply(body: ReplyCatalog.text(.fallback, language), source: .fallback), language: language, hotline: hotline, pending: true)
        case .answeredBefore:
            throw APIError(.conflict, "already_answered", "This question was answered earlier; its answer is no longer kept. Ask with a new idempotency key.")
        }
    }

    enum QuestionCheck {
        /// Go on to the pipeline; `care`: add the support resources to the answer.
        case proceed(care: Bool)
        /// Answer this instead; the pipeline is not asked.
        case reply(Reply)
    }

    /// Safety first, then the platform: Heartline's detector runs before `msg_sec_check`, and a
    /// crisis or concern verdict goes to the pipeline (whose safety layer answers it with the
    /// hotlines) whatever WeChat would say. WeChat's `risky` only refuses a question Heartline
    /// judged harmless; when Heartline's verdict is unknown it gets the holding reply with
    /// hotlines instead of a refusal, because a crisis cannot be ruled out.
    func checkQuestion(_ question: String, language: ReplyLanguage, openID: String, user: UserHash) async -> QuestionCheck {
        let ownTier = await safety.tier(of: question, user: user)
        if let ownTier, ownTier >= .concern { return .proceed(care: false) }
        // Over-long questions get the pipeline's polite "too long" reply; WeChat need not see them.
        guard question.count <= maxQuestionCharacters else { return .proceed(care: false) }
        switch await moderation.assess(question, openID: openID, user: user) {
        case .allow:
            return .proceed(care: false)
        case .care:
            return .proceed(care: true)
        case .refuse where ownTier != nil:
            let hotline = HotlineDirectory.shortLine(for: language)
            return .reply(Reply(body: MiniProgramReply.questionRefused.text(language), source: .blocked, resourceLine: hotline))
        case .refuse, .unavailable:
            return .reply(Reply(body: ReplyCatalog.text(.holding, language), tier: .concern, source: .failSafe))
        }
    }

    /// Whether the inbox has answered this message (then its text was checked when first asked,
    /// and only the stored answer is returned).
    func isAnswered(_ inboxID: String) async -> Bool {
        // `.some(_)`: answered; `.none`: unknown or still in progress.
        guard case .some = try? await intake.inbox.reply(for: inboxID) else { return false }
        return true
    }
}
