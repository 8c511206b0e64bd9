import ChatCore
import Foundation
import Logging
import ServiceLifecycle
import TelegramAdapter

/// The operators' Telegram group (`handoff.telegramChatId`), the common support-bot pattern: each
/// handoff and each message its user writes is posted there, and a counsellor's reply to such a
/// post is delivered to the user (a reply of `/close` closes the handoff). Every post names its
/// handoff, so a reply finds it after a restart without any stored mapping.
///
/// Posting never holds up the user's reply: the pipeline's store hands events to a bounded
/// stream and this service sends them.
final class OperatorsGroup: Service, Sendable, CustomStringConvertible {
    var description: String { "OperatorsGroup" }

    enum Event: Sendable {
        case opened(Handoff)
        case userWrote(handoffID: String, text: String)
    }

    let chatID: Int64
    let api: TelegramBotAPI
    let logger: Logger
    private let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation

    /// Longest text posted (Telegram's limit is 4096 UTF-16 units; the header needs room).
    static let maxPostCharacters = 3000

    init(chatID: Int64, api: TelegramBotAPI, logger: Logger) {
        self.chatID = chatID
        self.api = api
        self.logger = logger
        (events, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(1000))
    }

    func notify(_ event: Event) {
        continuation.yield(event)
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            for await event in self.events {
                await self.post(event)
            }
        }
    }

    private func post(_ event: Event) async {
        let text: String
        switch event {
        case .opened(let handoff):
            text = """
            [Heartline] 人工接入 handoff · \(handoff.reason.rawValue) · \(handoff.channel.rawValue) · user \(handoff.userHash.short)
            \(Self.marker) \(handoff.id)
            回复本条消息即可回复用户，回复 /close 结束。Reply to this message to answer the user; reply /close to close.
            """
        case .userWrote(let id, let message):
            text = "\(Self.marker) \(id) · user:\n" + String(message.prefix(Self.maxPostCharacters))
        }
        await say(text, replyTo: nil)
    }

    // MARK: Replies from counsellors

    /// A message in the operators' group: when it replies to one of our posts, it is a counsellor
    /// answering that handoff. `updateID` keys it, so a redelivered update is not sent twice.
    func receive(_ message: TelegramMessage, updateID: Int64, desk: HandoffDesk) async {
        guard let sender = message.from, !sender.isBot,
              let id = message.replyTo?.text.flatMap(Self.handoffID),
              let text = message.text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty
        else { return }
        let name = sender.username.map { "@" + $0 } ?? sender.firstName ?? "counsellor"
        let confirmation: String
        do {
            if text.lowercased().hasPrefix("/close") {
                let (_, delivery) = try await desk.close(id, counsellor: name)
                confirmation = "✓ 已结束 closed" + (delivery.delivered ? "" : " (\(delivery.reason ?? "not delivered"))")
            } else {
                guard let (_, delivery) = try await desk.send(text, counsellor: name, to: id, messageID: "tg-\(updateID)") else { return }
                confirmation = delivery.delivered ? "✓ 已送达 delivered" : "✗ 未送达 not delivered: \(delivery.reason ?? "unknown")"
            }
        } catch {
            switch error {
            case .notFound: confirmation = "✗ 找不到该对话 no such conversation"
            case .closed: confirmation = "✗ 对话已结束 this conversation is closed"
            case .storeUnavailable: confirmation = "✗ 暂时无法保存，请重试 cannot store it now; retry"
            }
        }
        await say(confirmation, replyTo: message.messageID)
    }

    static let marker = "handoff"

    /// The handoff id named in one of our posts ("handoff <uuid>").
    static func handoffID(in text: String) -> String? {
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard let index = words.firstIndex(of: Substring(marker)), index + 1 < words.count else { continue }
            let candidate = String(words[index + 1])
            if (try? HandoffRoutes.validate(id: candidate)) != nil { return candidate }
        }
        return nil
    }

    private func say(_ text: String, replyTo: Int64?) async {
        do {
            _ = try await api.sendMessage(TelegramSendMessage(chatID: chatID, text: text, replyTo: replyTo))
        } catch {
            logger.warning("operators' group post failed", metadata: ["telegram.error": "\(error)"])
        }
    }
}

/// The handoff store as the pipeline and the desk see it when the operators' group is on: every
/// change goes to the real store, and openings and user messages are also posted to the group.
struct NotifyingHandoffStore: HandoffStore {
    let base: any HandoffStore
    let group: OperatorsGroup

    func active(for user: UserHash) async throws -> Handoff? { try await base.active(for: user) }
    func latest(for user: UserHash) async throws -> Handoff? { try await base.latest(for: user) }
    func handoff(id: String, messageLimit: Int) async throws -> Handoff? { try await base.handoff(id: id, messageLimit: messageLimit) }
    func list(statuses: Set<Handoff.Status>, limit: Int, messageLimit: Int) async throws -> [Handoff] {
        try await base.list(statuses: statuses, limit: limit, messageLimit: messageLimit)
    }

    func insert(_ handoff: Handoff) async throws {
        try await base.insert(handoff)
        group.notify(.opened(handoff))
    }

    func update(_ handoff: Handoff, expecting: Handoff.Status) async throws -> Bool {
        let changed = try await base.update(handoff, expecting: expecting)
        if changed, expecting == .timedOut, handoff.status == .open { group.notify(.opened(handoff)) }
        return changed
    }

    func append(_ message: HandoffMessage, to handoffID: String) async throws {
        try await base.append(message, to: handoffID)
        if message.from == .user { group.notify(.userWrote(handoffID: handoffID, text: message.text)) }
    }

    func delete(_ user: UserHash) async throws { try await base.delete(user) }
}

extension OperatorsGroup {
    /// With `handoff.telegramChatId` and the Telegram channel on: the group, and the store wrapped
    /// so that openings and user messages are posted. Otherwise the store as it is.
    static func wrap(
        _ store: (any HandoffStore)?, settings: HandoffSettings, telegram: TelegramComponents?, logger: Logger
    ) -> ((any HandoffStore)?, OperatorsGroup?) {
        guard settings.isEnabled, let store, let chatID = settings.telegramChatID, let telegram else { return (store, nil) }
        let group = OperatorsGroup(chatID: chatID, api: telegram.api, logger: logger)
        return (NotifyingHandoffStore(base: store, group: group), group)
    }
}

/// Both values, or nil.
func zip<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}
