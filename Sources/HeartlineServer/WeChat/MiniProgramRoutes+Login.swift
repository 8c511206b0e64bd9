import ChatCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import WeChatAdapter

extension MiniProgramRoutes {
    func login(_ request: Request) async throws(APIError) -> Response {
        try RequestBody.requireJSONContentType(request)
        let body = try RequestBody.decodeJSON(LoginRequest.self, from: try await RequestBody.collect(request, limit: 4096))
        let code = body.code
        guard (1...256).contains(code.utf8.count), code.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F }) else {
            throw .invalidField("code", "must be the code from wx.login")
        }
        // Before WeChat is asked: a flood of made-up codes must not use up the jscode2session quota.
        if let wait = loginTotalLimiter.take(UserHash("*")) {
            logger.warning("mini-program logins over the instance limit", metadata: ["wechat.limit": "loginPerMinuteTotal"])
            throw rateLimited(wait, code: "login_rate_limited", "Too many logins right now. Wait a moment and try again.")
        }
        let result: MiniProgramLogin
        do {
            result = try await services.login.login(code: code)
        } catch {
            throw Self.loginError(error, logger: logger)
        }
        let user = intake.hasher.hash(userKey(result.openID))
        if let wait = loginLimiter.take(user) {
            throw rateLimited(wait, code: "login_rate_limited", "Too many logins for this user. Wait a minute and try again.")
        }
        guard let session = tokens.issue(openID: result.openID) else {
            throw APIError(.badGateway, "wechat_error", "Login is not available right now.")
        }
        logger.info("mini-program login", metadata: ["chat.user": "\(user.short)"])
        return JSONCoding.response(LoginResponse(
            token: session.token, expiresIn: Int(session.expiresAt.timeIntervalSince(now()).rounded()), budgetMs: budgetMs
        ))
    }

    /// jscode2session errors (docs/protocols.md A.14) as clear API errors.
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
}
