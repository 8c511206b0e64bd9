import ChatCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import WeChatAdapter

/// The Q&A API for the mini-program page (adapters/wechat-miniprogram/README.md §4).
///
/// - `POST <prefix>/login {code}` → `jscode2session`; the page gets `{token, expiresIn, budgetMs}`,
///   a self-contained signed token any instance accepts. The session key is dropped.
/// - `POST <prefix>/ask {question, idempotencyKey?, lang?}` with `Authorization: Bearer <token>` →
///   the answer within the budget; on timeout a calm fallback with `pending: true` (asking again
///   with the same idempotency key returns the real answer once it is ready).
/// - `POST <prefix>/ask/stream`: the same, as a chunked response of JSON lines: checked sentences
///   as they pass (`{"type":"delta"}`), then the whole answer (`{"type":"final"}`).
/// - `POST <prefix>/forget` with the token → the pipeline's `/forget` for this user.
/// - `GET <prefix>/messages?after=…` with the token → a counsellor's messages (handoff poll).
/// - `POST <prefix>/feedback {replyId, vote, reason?}` with the token → 👍/👎 on one answer.
struct MiniProgramRoutes {
    struct LoginRequest: Decodable {
        var code: String
    }

    struct LoginResponse: Encodable {
        var token: String
        var expiresIn: Int
        /// The longest `ask` takes on the server, so the page's request timeout can follow it.
        var budgetMs: Int
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
        /// The support line as text (what chat platforms show).
        var resourceLine: String?
        /// The same resources as data, for the page's tap-to-call card.
        var resources: [MiniProgramResource]?
        var hotline: String
        var source: String
        var duplicate: Bool
        var pending: Bool
        var budgetMs: Int
        /// With `pending`: when to ask again with the same idempotency key.
        var retryAfterMs: Int?
        /// What `POST <prefix>/feedback` refers to; absent when the answer cannot be rated (a
        /// pending fallback, a crisis reply, or feedback off).
        var replyId: String?
    }

    let services: WeChatServices
    let intake: MessageIntake
    let tokens: MiniProgramTokens
    let limiter: MiniProgramRateLimiter
    /// Polls of `messages`, apart from questions: a page polling every 10 s must not use up `ask`.
    let pollLimiter: MiniProgramRateLimiter
    /// The handoff store when mini-program users can be handed off; nil: `messages` answers null.
    let handoffs: (any HandoffStore)?
    /// Where 👍/👎 go; nil: `feedback` answers 503 and answers carry no `replyId`.
    let feedback: (any FeedbackStore)?
    let replyIDs: MiniProgramReplyIDs
    /// Votes, apart from questions.
    let feedbackLimiter: MiniProgramRateLimiter
    let loginLimiter: MiniProgramRateLimiter
    let loginTotalLimiter: MiniProgramRateLimiter
    let safety: MiniProgramSafetyCheck
    let moderation: MiniProgramModeration
    let checked: MiniProgramCheckedQuestions
    let prefix: String
    let askTimeout: Duration
    /// `askTimeout` plus the content checks: the page's deadline follows it.
    let askBudget: Duration
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
        router.post(RouterPath(prefix + "/ask/stream")) { request, _ -> Response in
            do throws(APIError) { return try await askStream(request) } catch { return error.response }
        }
        router.post(RouterPath(prefix + "/forget")) { request, _ -> Response in
            do throws(APIError) { return try await forget(request) } catch { return error.response }
        }
        router.get(RouterPath(prefix + "/messages")) { request, _ -> Response in
            do throws(APIError) { return try await messages(request) } catch { return error.response }
        }
        router.post(RouterPath(prefix + "/feedback")) { request, _ -> Response in
            do throws(APIError) { return try await recordFeedback(request) } catch { return error.response }
        }
    }

    var budgetMs: Int { Int(askBudget.milliseconds) }

    /// The session a request's bearer token names.
    func authenticate(_ request: Request) throws(APIError) -> MiniProgramTokens.Session {
        let presented = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        guard let presented, let session = tokens.resolve(presented) else {
            throw APIError(.unauthorized, "invalid_session", "The session is missing or expired. Log in again.")
        }
        return session
    }

    func rateLimited(_ wait: Duration, code: String = "rate_limited", _ message: String) -> APIError {
        APIError(.tooManyRequests, code, message, retryAfterSeconds: max(1, Int(wait.seconds.rounded(.up))))
    }

    func answerBody(
        _ reply: Reply, language: ReplyLanguage, hotline: String, duplicate: Bool = false, pending: Bool = false, replyID: String? = nil
    ) -> AskResponse {
        AskResponse(
            answer: reply.body, tier: reply.tier.rawValue, disclaimer: reply.disclaimer, resourceLine: reply.resourceLine,
            resources: MiniProgramResource.list(tier: reply.tier, hasResourceLine: reply.resourceLine != nil, language: language),
            hotline: hotline, source: reply.source.rawValue, duplicate: duplicate, pending: pending, budgetMs: budgetMs,
            retryAfterMs: pending ? 2000 : nil, replyId: replyID
        )
    }

    func userKey(_ openID: String) -> String {
        WeChatMessageMapper.userKey(appID: services.appID, openID: openID)
    }
}
