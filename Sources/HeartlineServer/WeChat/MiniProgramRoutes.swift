import ChatCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import WeChatAdapter

/// The Q&A API for the mini-program page.
///
/// - `POST <prefix>/login {code}` → `jscode2session`; the session key stays on the server and the
///   page gets `{token, expiresIn}`, an opaque signed session token.
/// - `POST <prefix>/ask {question, idempotencyKey?, lang?}` with `Authorization: Bearer <token>` →
///   `{answer, tier, disclaimer?, resources?, hotline, source, duplicate, pending}` within the
///   budget; on timeout a calm fallback with `pending: true` (asking again with the same
///   idempotency key returns the real answer once it is ready).
struct MiniProgramRoutes {
    struct LoginRequest: Decodable {
        var code: String
    }

    struct LoginResponse: Encodable {
        var token: String
        var expiresIn: Int
    }

    struct AskRequest: Decodable {
        var question: String
        var idempotencyKey: String?
        var lang: String?
    }

    struct AskResponse: Encodable {
        var answer: String
        var tier: String
        var disclaimer: String?
        var resources: String?
        var hotline: String
        var source: String
        var duplicate: Bool
        var pending: Bool
    }

    let services: WeChatServices
    let intake: MessageIntake
    let sessions: MiniProgramSessions
    let limiter: MiniProgramRateLimiter
    let moderation: MiniProgramModeration
    let prefix: String
    let askTimeout: Duration
    let maxQuestionCharacters: Int
    let logger: Logger
    let now: @Sendable () -> Date

    func add<Context: RequestContext>(to router: Router<Context>) {
        router.post(RouterPath(prefix + "/login")) { request, _ -> Response in
            do throws(APIError) { return try await login(request) } catch { return error.response }
        }
        router.post(RouterPath(prefix + "/ask")) { request, _ -> Response in
            do throws(APIError) { return try await ask(request) } catch { return error.response }
        }
    }

    // MARK: Login

    func login(_ request: Request) async throws(APIError) -> Response {
        try RequestBody.requireJSONContentType(request)
        let body = try RequestBody.decodeJSON(LoginRequest.self, from: try await RequestBody.collect(request, limit: 4096))
        let code = body.code
        guard (1...256).contains(code.utf8.count), code.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F }) else {
            throw .invalidField("code", "must be the code from wx.login")
        }
        let result: MiniProgramLogin
        do {
            result = try await services.login.login(code: code)
        } catch {
            throw Self.loginError(error, logger: logger)
        }
        let session = sessions.create(openID: result.openID, sessionKey: result.sessionKey)
        logger.info("mini-program login", metadata: ["chat.user": "\(intake.hasher.hash(userKey(result.openID)).short)"])
        return JSONCoding.response(LoginResponse(token: session.token, expiresIn: Int(session.expiresAt.timeIntervalSince(now()).rounded())))
    }

    /// jscode2session errors (protocols.md A.14) as clear API errors.
    static func loginError(_ error: WeChatAPIError, logger: Logger) -> APIError {
        switch error.errcode {
        case 40029?, 40163?:
            return APIError(.badRequest, "invalid_code", "The login code is invalid, used or expired. Call wx.login again.")
        case 45011?:
            return APIError(.tooManyRequests, "login_rate_limited", "Too many logins for this user. Wait a minute and try again.", retryAfterSeconds: 60)
        case 40226?:
            return APIError(.forbidden, "login_blocked", "WeChat refused this login (high-risk user).")
        default:
            if error.isTransient {
                logger.warning("jscode2session unavailable", metadata: ["wechat.error": "\(error.logDescription)"])
                return APIError(.serviceUnavailable, "wechat_unavailable", "WeChat login is unavailable right now. Try again shortly.", retryAfterSeconds: 2)
            }
            logger.error("jscode2session failed; check wechat.appId and wechat.appSecret", metadata: ["wechat.error": "\(error.logDescription)"])
            return APIError(.badGateway, "wechat_error", "Login is not available right now.")
        }
    }

    // MARK: Ask

    func ask(_ request: Request) async throws(APIError) -> Response {
        let presented = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        guard let presented, let session = sessions.resolve(presented) else {
            throw APIError(.unauthorized, "invalid_session", "The session is missing or expired. Log in again.")
        }
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
            throw APIError(.tooManyRequests, "rate_limited", "Too many questions. Take a breath and ask again in a moment.",
                           retryAfterSeconds: max(1, Int(wait.seconds.rounded(.up))))
        }
        let language = ReplyLanguage(text: question, languageTag: body.lang)
        let hotline = HotlineDirectory.shortLine(for: language)
        let checkQuestion = question.count <= maxQuestionCharacters
        var care = false
        if checkQuestion {
            switch await moderation.assess(question, openID: session.openID, user: user) {
            case .allow: break
            case .care: care = true
            case .refuse:
                return respond(Reply(body: MiniProgramReply.questionRefused.text(language), source: .blocked, resourceLine: hotline), hotline: hotline)
            case .unavailable:
                return respond(Reply(body: ReplyCatalog.text(.holding, language), tier: .concern, source: .failSafe), hotline: hotline)
            }
        }

        let message = InboundMessage(
            channel: .miniprogram, userKey: key, chatKey: session.openID,
            platformMessageID: "\(services.appID):ask:\(session.openID):\(body.idempotencyKey ?? UUID().uuidString)",
            text: question, languageTag: body.lang, receivedAt: now()
        )
        let result: MessageIntake.SyncResult
        do {
            result = try await intake.submitAndWait(message, timeout: askTimeout)
        } catch {
            switch error {
            case .busy: throw .busy
            case .storeUnavailable: throw .storeUnavailable
            }
        }
        switch result {
        case .reply(var reply, let duplicate):
            if reply.source == .model || reply.source == .retrieval {
                switch await moderation.assess(reply.body, openID: session.openID, user: user) {
                case .allow: break
                case .care: care = true
                case .refuse:
                    reply = Reply(body: MiniProgramReply.answerWithheld.text(language), tier: reply.tier, source: .outputReplaced, disclaimer: reply.disclaimer, resourceLine: hotline)
                case .unavailable:
                    reply = Reply(body: ReplyCatalog.text(.holding, language), tier: max(reply.tier, .concern), source: .failSafe, disclaimer: reply.disclaimer)
                }
            }
            if care, reply.resourceLine == nil { reply.resourceLine = hotline }
            return respond(reply, hotline: hotline, duplicate: duplicate)
        case .timedOut:
            logger.warning("mini-program answer not ready within the budget; fallback sent", metadata: ["chat.user": "\(user.short)"])
            return respond(Reply(body: ReplyCatalog.text(.fallback, language), source: .fallback), hotline: hotline, pending: true)
        case .answeredBefore:
            throw APIError(.conflict, "already_answered", "This question was answered earlier; its answer is no longer kept. Ask with a new idempotency key.")
        }
    }

    private func respond(_ reply: Reply, hotline: String, duplicate: Bool = false, pending: Bool = false) -> Response {
        JSONCoding.response(AskResponse(
            answer: reply.body, tier: reply.tier.rawValue, disclaimer: reply.disclaimer, resources: reply.resourceLine,
            hotline: hotline, source: reply.source.rawValue, duplicate: duplicate, pending: pending
        ))
    }

    private func userKey(_ openID: String) -> String {
        WeChatMessageMapper.userKey(appID: services.appID, openID: openID)
    }
}
