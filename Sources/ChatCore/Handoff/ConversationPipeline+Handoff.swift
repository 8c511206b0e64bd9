import Foundation
import Logging

/// The pipeline's side of a counsellor handoff: opening one (the user asks for a person, or a
/// crisis when `handoff.onCrisis`), holding the model back while it is open, and letting the bot
/// answer again when no counsellor replied in time. A failing handoff store never silences the
/// user: the bot answers as if there were no handoff.
extension ConversationPipeline {
    enum Hold {
        /// The message is the counsellor's to answer; this is what the user gets now.
        case held(Reply)
        /// The handoff just timed out; the bot answers.
        case timedOut(Handoff)
    }

    func handoffEnabled(for channel: ChatChannel) -> Bool {
        configuration.handoff.enabled && handoffs != nil && configuration.handoff.channels.contains(channel)
    }

    /// The user's handoff that is not closed, or nil (also when handoffs are off or the store fails).
    func activeHandoff(_ user: UserHash, channel: ChatChannel, logger: Logger) async -> Handoff? {
        guard handoffEnabled(for: channel), let handoffs else { return nil }
        do {
            return try await handoffs.active(for: user)
        } catch {
            handoffStoreFailed(error, logger: logger)
            return nil
        }
    }

    /// "转人工", "/human": opens a handoff and sends the holding message once. Asking again while
    /// one is open is recorded for the counsellor without another holding message.
    func requestHandoff(_ message: InboundMessage, userHash: UserHash, logger: Logger) async -> Reply {
        let timestamp = now()
        let language = message.language
        let text = message.text.trimmingCharacters(in: .whitespacesAndNewlines)
        let current = await activeHandoff(userHash, channel: message.channel, logger: logger)
        if let current, current.status == .open {
            await append(HandoffMessage(id: messageID("u"), from: .user, text: text, at: timestamp), to: current, logger: logger)
            return Reply(body: "", source: .handoff, deliver: false)
        }
        let holding = HandoffText.holding(language)
        guard let opened = await open(current, for: message, userHash: userHash, reason: .request, at: timestamp, logger: logger) else {
            // No counsellor can be reached: say so with the numbers rather than pretend.
            return Reply(body: ReplyCatalog.text(.holding, language), tier: .none, source: .failSafe)
        }
        await recordExchange(opened, question: text, answer: holding, at: timestamp, logger: logger)
        // `.handoff`, so that a client (the mini-program page) knows a counsellor is coming.
        return Reply(body: holding, source: .handoff)
    }

    /// After a crisis reply: records the exchange for the counsellor, and opens a handoff when
    /// none is open and `handoff.onCrisis` is set. Returns the holding message to add, if one opened.
    func handoffAfterCrisis(
        _ current: Handoff?, message: InboundMessage, userHash: UserHash, question: String, answer: String, logger: Logger
    ) async -> String? {
        guard handoffEnabled(for: message.channel) else { return nil }
        let timestamp = now()
        if let current, current.status == .open {
            await recordExchange(current, question: question, answer: answer, at: timestamp, logger: logger)
            return nil
        }
        guard configuration.handoff.onCrisis else {
            if let current { await recordExchange(current, question: question, answer: answer, at: timestamp, logger: logger) }
            return nil
        }
        guard let opened = await open(current, for: message, userHash: userHash, reason: .crisis, at: timestamp, logger: logger) else { return nil }
        let holding = HandoffText.holding(message.language)
        await recordExchange(opened, question: question, answer: answer + "\n\n" + holding, at: timestamp, logger: logger)
        return holding
    }

    /// A message while a handoff is open: recorded for the counsellor; a concern reply from the
    /// safety responder still goes out (never the model's answer); otherwise nothing is sent.
    func holdForCounsellor(_ open: Handoff, question: String, concern: SafetyResponse?, at timestamp: Date, logger: Logger) async -> Hold {
        if open.isOverdue(at: timestamp, timeout: configuration.handoff.timeout) {
            var expired = open
            expired.status = .timedOut
            expired.updatedAt = timestamp
            if await update(expired, expecting: .open, logger: logger) {
                observer.record(.handoffTimedOut(channel: open.channel))
                logger.info("handoff timed out; the bot answers again", metadata: ["handoff.id": "\(open.id)"])
                return .timedOut(expired)
            }
        }
        if open.waitingSince == nil {
            var waiting = open
            waiting.waitingSince = timestamp
            waiting.updatedAt = timestamp
            _ = await update(waiting, expecting: .open, logger: logger)
        }
        guard let concern else {
            await append(HandoffMessage(id: messageID("u"), from: .user, text: question, at: timestamp), to: open, logger: logger)
            return .held(Reply(body: "", source: .handoff, deliver: false))
        }
        await recordExchange(open, question: question, answer: concern.body, at: timestamp, logger: logger)
        return .held(Reply(body: concern.body, tier: .concern, source: .concern, resourceLine: concern.resourceLine))
    }

    /// The user's message and the bot's reply, for the counsellor.
    func recordExchange(_ handoff: Handoff, question: String, answer: String, at timestamp: Date, logger: Logger) async {
        await append(HandoffMessage(id: messageID("u"), from: .user, text: question, at: timestamp), to: handoff, logger: logger)
        await append(HandoffMessage(id: messageID("b"), from: .bot, text: answer, at: timestamp), to: handoff, logger: logger)
    }

    // MARK: Store access

    /// Opens a new handoff, or opens a timed-out one again. nil when the store failed.
    private func open(_ current: Handoff?, for message: InboundMessage, userHash: UserHash, reason: Handoff.Reason, at timestamp: Date, logger: Logger) async -> Handoff? {
        guard let handoffs else { return nil }
        do {
            if var reopened = current, reopened.status == .timedOut {
                reopened.status = .open
                reopened.waitingSince = timestamp
                reopened.updatedAt = timestamp
                if try await handoffs.update(reopened, expecting: .timedOut) {
                    observer.record(.handoffOpened(channel: message.channel, reason: reason))
                    logger.notice("handoff opened again", metadata: ["handoff.id": "\(reopened.id)", "handoff.reason": "\(reason.rawValue)"])
                    return reopened
                }
            }
            let handoff = Handoff(
                userHash: userHash, channel: message.channel, chatKey: message.chatKey, routing: message.routing,
                languageTag: message.languageTag, reason: reason, openedAt: timestamp
            )
            try await handoffs.insert(handoff)
            observer.record(.handoffOpened(channel: message.channel, reason: reason))
            logger.notice("handoff opened", metadata: ["handoff.id": "\(handoff.id)", "handoff.reason": "\(reason.rawValue)"])
            return handoff
        } catch {
            handoffStoreFailed(error, logger: logger)
            return nil
        }
    }

    private func update(_ handoff: Handoff, expecting: Handoff.Status, logger: Logger) async -> Bool {
        do {
            return try await handoffs?.update(handoff, expecting: expecting) ?? false
        } catch {
            handoffStoreFailed(error, logger: logger)
            return false
        }
    }

    private func append(_ message: HandoffMessage, to handoff: Handoff, logger: Logger) async {
        do {
            try await handoffs?.append(message, to: handoff.id)
        } catch {
            handoffStoreFailed(error, logger: logger)
        }
    }

    /// Keyed by the inbox entry being answered, so that a replay after a crash adds nothing twice.
    private func messageID(_ prefix: String) -> String {
        prefix + "-" + (StoreContext.entryID ?? UUID().uuidString.lowercased())
    }

    private func handoffStoreFailed(_ error: any Error, logger: Logger) {
        observer.record(.storeFailed(operation: "handoff"))
        logger.error("handoff store failed; the bot answers", metadata: ["error.kind": "\(type(of: error))"])
    }
}
