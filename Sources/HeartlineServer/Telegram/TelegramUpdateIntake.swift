import ChatCore
import Foundation
import Logging
import TelegramAdapter

/// The one path every update takes, from the webhook or from polling: map it, then record it in
/// the durable inbox (dedupe on `<bot>:<update_id>`), record a membership change, or ignore it.
struct TelegramUpdateIntake: Sendable {
    enum Outcome: Sendable, Equatable {
        case accepted
        case duplicate
        case membership
        /// A message in the operators' group (a counsellor answering a handoff, or chatter).
        case operators
        case ignored(TelegramIgnoreReason)
        /// Not recorded: the queue is full. Telegram should deliver it again later.
        case busy
        /// Not recorded: the store failed. Telegram should deliver it again later.
        case storeUnavailable

        var handling: TelegramUpdateHandling {
            switch self {
            case .busy, .storeUnavailable: .retryLater
            default: .done
            }
        }
    }

    let intake: MessageIntake
    let profile: TelegramBotProfile
    let respondToMentions: Bool
    let chats: any TelegramChatRegistry
    let logger: Logger
    let now: @Sendable () -> Date
    /// The operators' group (`handoff.telegramChatId`): its chat, and who reads its messages.
    var operators: (chatID: Int64, receive: @Sendable (TelegramMessage, Int64) async -> Void)?

    func handle(_ update: TelegramUpdate) async -> Outcome {
        if let operators, case .message(let message) = update.payload, message.chat.id == operators.chatID {
            // Counsellors' talk is never answered by the bot nor kept in the inbox.
            await operators.receive(message, update.updateID)
            return .operators
        }
        let mapper = TelegramUpdateMapper(identity: profile.current, respondToMentions: respondToMentions)
        switch mapper.map(update, receivedAt: now()) {
        case .ignore(let reason):
            logger.debug("telegram update ignored", metadata: ["telegram.ignored": "\(reason.rawValue)"])
            return .ignored(reason)
        case .membership(let change):
            await chats.setBlocked(change.chatID, at: change.blocked ? change.at : nil)
            logger.info("telegram membership changed", metadata: ["telegram.blocked": "\(change.blocked)"])
            return .membership
        case .submit(let message):
            do {
                switch try await intake.submit(message) {
                case .accepted: return .accepted
                case .duplicatePending, .duplicateDone: return .duplicate
                }
            } catch {
                switch error {
                case .busy:
                    logger.warning("queue full; telegram will deliver the update again")
                    return .busy
                case .storeUnavailable:
                    return .storeUnavailable
                }
            }
        }
    }
}
