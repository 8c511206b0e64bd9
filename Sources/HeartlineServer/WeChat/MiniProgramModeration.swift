import ChatCore
import Logging
import WeChatAdapter

/// `msg_sec_check` for the Q&A API, failing safe: when the check is on and WeChat cannot be asked,
/// the user gets the holding reply with hotlines — never unchecked text.
struct MiniProgramModeration: Sendable {
    enum Decision: Sendable, Equatable {
        case allow
        /// `review`: answer, with the support resources.
        case care
        /// `risky`: a polite refusal (with hotlines, in case the person is in distress).
        case refuse
        /// The check is on but failed.
        case unavailable
    }

    let checker: (any ContentChecking)?
    let logger: Logger

    func assess(_ text: String, openID: String, user: UserHash) async -> Decision {
        guard let checker else { return .allow }
        do {
            switch try await checker.check(text, openID: openID) {
            case .pass: return .allow
            case .review(let label):
                logger.info("content check: review", metadata: ["chat.user": "\(user.short)", "wechat.label": "\(label)"])
                return .care
            case .risky(let label):
                logger.notice("content check: risky", metadata: ["chat.user": "\(user.short)", "wechat.label": "\(label)"])
                return .refuse
            }
        } catch {
            logger.error("content check unavailable; failing safe", metadata: ["chat.user": "\(user.short)", "wechat.error": "\(error.logDescription)"])
            return .unavailable
        }
    }
}
