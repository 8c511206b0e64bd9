import ChatCore
import Foundation
import Logging

/// What counsellors do, whatever they use (console, JSON API): read the handoffs, write to the
/// user through the user's own channel, close. Also expires handoffs nobody answered in time.
/// Logs carry the handoff id and the hashed user, never text or a chat address.
public struct HandoffDesk: Sendable {
    public enum Failure: Error, Sendable, Equatable {
        case notFound
        case closed
        case storeUnavailable
    }

    /// Whether a counsellor's message reached the user.
    public struct Delivery: Sendable, Equatable {
        public var delivered: Bool
        /// Why not, in words an operator can act on.
        public var reason: String?
    }

    let store: any HandoffStore
    /// Every channel's messenger, the local outbox included.
    let messengers: [ChatChannel: any Messenger]
    let settings: HandoffSettings
    let metrics: HeartlineMetrics
    let logger: Logger
    let now: @Sendable () -> Date

    public init(
        store: any HandoffStore, messengers: [ChatChannel: any Messenger], settings: HandoffSettings, metrics: HeartlineMetrics,
        logger: Logger = Logger(label: "heartline.handoff"), now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.messengers = messengers
        self.settings = settings
        self.metrics = metrics
        self.logger = logger
        self.now = now
    }

    public func conversations(includeClosed: Bool, limit: Int = 100) async throws(Failure) -> [Handoff] {
        let statuses: Set<Handoff.Status> = includeClosed ? Set(Handoff.Status.allCases) : [.open, .timedOut]
        return try await guarded { try await store.list(statuses: statuses, limit: limit, messageLimit: settings.recentMessages) }
    }

    /// Records the counsellor's message and delivers it. A timed-out handoff opens again: the
    /// counsellor is here now, so the bot steps back.
    public func send(_ text: String, counsellor: String, to id: String, messageID: String? = nil) async throws(Failure) -> (HandoffMessage, Delivery) {
        var handoff = try await load(id)
        let timestamp = now()
        for _ in 0..<3 {
            guard handoff.status != .closed else { throw .closed }
            let expected = handoff.status
            var next = handoff
            next.status = .open
            next.waitingSince = nil
            next.firstCounsellorReplyAt = handoff.firstCounsellorReplyAt ?? timestamp
            next.updatedAt = timestamp
            if try await guarded({ try await store.update(next, expecting: expected) }) {
                if handoff.firstCounsellorReplyAt == nil {
                    metrics.handoffFirstReply(after: timestamp.timeIntervalSince(handoff.openedAt))
                }
                handoff = next
                break
            }
            handoff = try await load(id)  // changed meanwhile (closed, timed out): decide again
        }
        let message = HandoffMessage(id: messageID ?? UUID().uuidString.lowercased(), from: .counsellor, text: text, at: timestamp, counsellor: counsellor)
        try await guarded { try await store.append(message, to: id) }
        let delivery = await deliver(HandoffText.fromCounsellor(text, name: counsellor, handoff.language), to: handoff, id: message.id)
        logger.info("counsellor message", metadata: ["handoff.id": "\(id)", "chat.user": "\(handoff.userHash.short)", "handoff.delivered": "\(delivery.delivered)"])
        return (message, delivery)
    }

    /// `send` for a message that may arrive twice (a redelivered Telegram update): nil when the
    /// handoff already holds `messageID`.
    func send(_ text: String, counsellor: String, to id: String, messageID: String) async throws(Failure) -> (HandoffMessage, Delivery)? {
        let recent = try await guarded { try await store.handoff(id: id, messageLimit: 200) }
        if recent?.messages.contains(where: { $0.id == messageID }) == true { return nil }
        return try await send(text, counsellor: counsellor, to: id, messageID: Optional(messageID))
    }

    /// Closes the handoff and tells the user; the bot answers again.
    public func close(_ id: String, counsellor: String?) async throws(Failure) -> (Handoff, Delivery) {
        var handoff = try await load(id)
        let timestamp = now()
        while handoff.status != .closed {
            var next = handoff
            next.status = .closed
            next.closedAt = timestamp
            next.waitingSince = nil
            next.updatedAt = timestamp
            // Nothing is sent after the closing notice: the delivery address is not kept.
            next.chatKey = ""
            next.routing = [:]
            if try await guarded({ try await store.update(next, expecting: handoff.status) }) {
                let notice = HandoffText.closed(handoff.language)
                try await guarded { try await store.append(HandoffMessage(id: Self.noticeID(), from: .bot, text: notice, at: timestamp, counsellor: counsellor), to: id) }
                metrics.handoffClosed()
                logger.info("handoff closed", metadata: ["handoff.id": "\(id)", "chat.user": "\(handoff.userHash.short)"])
                return (next, await deliver(notice, to: handoff, id: "close-" + id))
            }
            handoff = try await load(id)
        }
        return (handoff, Delivery(delivered: false, reason: "already closed"))
    }

    /// Times out open handoffs whose user has waited longer than `handoff.timeoutMinutes` and
    /// tells each user that the bot answers again. Returns how many timed out.
    @discardableResult
    public func expireOverdue() async -> Int {
        let timestamp = now()
        let open: [Handoff]
        do {
            open = try await store.list(statuses: [.open], limit: 1000, messageLimit: 0)
        } catch {
            logger.warning("handoff timeout check failed", metadata: ["error.kind": "\(type(of: error))"])
            return 0
        }
        var expired = 0
        for handoff in open where handoff.isOverdue(at: timestamp, timeout: settings.timeout) {
            var next = handoff
            next.status = .timedOut
            next.updatedAt = timestamp
            guard (try? await store.update(next, expecting: .open)) == true else { continue }
            expired += 1
            metrics.handoffTimedOut()
            let notice = HandoffText.timedOut(handoff.language)
            try? await store.append(HandoffMessage(id: Self.noticeID(), from: .bot, text: notice, at: timestamp), to: handoff.id)
            _ = await deliver(notice, to: handoff, id: "timeout-" + handoff.id + "-\(Int(timestamp.timeIntervalSince1970))")
            logger.info("handoff timed out; the bot answers again", metadata: ["handoff.id": "\(handoff.id)", "chat.user": "\(handoff.userHash.short)"])
        }
        return expired
    }

    /// How many handoffs are open now (the gauge).
    func openCount() async -> Int? {
        try? await store.list(statuses: [.open], limit: 10_000, messageLimit: 0).count
    }

    /// The notices the desk sends (timeout, closing) carry this prefix, so that the mini-program
    /// poll can tell them from the bot's replies, which the page already has.
    static let noticePrefix = "notice-"

    static func noticeID() -> String { noticePrefix + UUID().uuidString.lowercased() }

    // MARK: Helpers

    private func deliver(_ text: String, to handoff: Handoff, id: String) async -> Delivery {
        guard let messenger = messengers[handoff.channel] else {
            return Delivery(delivered: false, reason: "the \(handoff.channel.rawValue) channel cannot receive messages here")
        }
        do {
            try await messenger.deliver(Reply(body: text, source: .fixed), for: handoff.outbound(id: id, at: now()))
            metrics.delivery(handoff.channel, .success(()))
            return Delivery(delivered: true, reason: nil)
        } catch let error as DeliveryError {
            metrics.delivery(handoff.channel, .failure(error))
            logger.warning("handoff delivery failed", metadata: ["handoff.id": "\(handoff.id)", "delivery.error": "\(error)"])
            return Delivery(delivered: false, reason: Self.explain(error))
        } catch {
            metrics.delivery(handoff.channel, .failure(.exhausted(reason: "unexpected")))
            return Delivery(delivered: false, reason: "delivery failed")
        }
    }

    /// The WeChat reply window is the one an operator most needs to understand.
    static func explain(_ error: DeliveryError) -> String {
        switch error {
        case .permanent(let reason) where reason.contains("45015"):
            "WeChat's 48-hour reply window has passed: the user must write again before a message can reach them (\(reason))"
        case .permanent(let reason):
            "the platform refused the message: \(reason)"
        case .exhausted(let reason):
            "the platform could not be reached after retries: \(reason)"
        }
    }

    private func load(_ id: String) async throws(Failure) -> Handoff {
        guard let handoff = try await guarded({ try await store.handoff(id: id, messageLimit: 0) }) else { throw .notFound }
        return handoff
    }

    private func guarded<T>(_ body: () async throws -> T) async throws(Failure) -> T {
        do {
            return try await body()
        } catch {
            logger.error("handoff store failed", metadata: ["error.kind": "\(type(of: error))"])
            throw .storeUnavailable
        }
    }
}
