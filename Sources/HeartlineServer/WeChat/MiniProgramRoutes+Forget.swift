import ChatCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

extension MiniProgramRoutes {
    struct ForgetResponse: Encodable {
        var forgotten: Bool
        /// The pipeline's confirmation, for the page to show.
        var message: String
    }

    /// "Delete my data" on the page: the pipeline's `/forget` for this user (session, stored
    /// questions and answers, safety state), through the inbox like every other message so that
    /// it is ordered with the user's questions and runs on whichever instance takes it.
    func forget(_ request: Request) async throws(APIError) -> Response {
        let session = try authenticate(request)
        let key = userKey(session.openID)
        let user = intake.hasher.hash(key)
        if let wait = limiter.take(user) {
            throw rateLimited(wait, "Too many requests. Try again in a moment.")
        }
        let language = ReplyLanguage(text: "", languageTag: request.headers[.acceptLanguage])
        let message = InboundMessage(
            channel: .miniprogram, userKey: key, chatKey: session.openID,
            platformMessageID: "\(services.appID):forget:\(session.openID):\(UUID().uuidString)",
            text: "/forget", languageTag: language == .zh ? "zh" : "en", receivedAt: now()
        )
        let result = try await submit(message)
        guard case .reply(let reply, _) = result, reply.body != ReplyCatalog.text(.forgetFailed, language) else {
            logger.error("mini-program forget did not complete", metadata: ["chat.user": "\(user.short)"])
            throw APIError(.serviceUnavailable, "forget_failed", "Your data could not be deleted right now. Please try again.", retryAfterSeconds: 5)
        }
        logger.info("mini-program user data forgotten", metadata: ["chat.user": "\(user.short)"])
        return JSONCoding.response(ForgetResponse(forgotten: true, message: reply.body))
    }
}

extension MiniProgramRoutes {
    /// Records `message` and waits for its answer within the ask budget; intake failures become the
    /// API's 503s.
    func submit(_ message: InboundMessage) async throws(APIError) -> MessageIntake.SyncResult {
        do {
            return try await intake.submitAndWait(message, timeout: askTimeout)
        } catch {
            switch error {
            case .busy: throw .busy
            case .storeUnavailable: throw .storeUnavailable
            }
        }
    }
}
