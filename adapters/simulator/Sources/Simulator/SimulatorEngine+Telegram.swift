import ChatCore
import Foundation
import WeChatAdapter

extension SimulatorEngine {
    // MARK: Telegram

    func sendTelegram(_ request: SendRequest, kind: SimKind, user: String, base: String, copies: Int, into exchange: inout Exchange) async throws {
        guard let telegram = configuration.telegram else { throw SimulatorError.channelOff(.telegram) }
        guard [.text, .group, .reply, .photo, .edited].contains(kind) else {
            throw SimulatorError.badRequest("Telegram messages are text, group, reply, photo or edited, not \(kind.rawValue)")
        }
        let driver = TelegramDriver(configuration: telegram, poster: poster)
        let previous = users[Self.key(.telegram, user)]?.lastMessageID
        let messageID = kind == .edited ? (previous ?? takeMessageID(.telegram, user)) : takeMessageID(.telegram, user)
        let body = driver.update(
            id: takeUpdateID(), messageID: messageID, previousMessageID: previous, user: user, text: request.text, kind: kind,
            date: Int64(Date().timeIntervalSince1970)
        )
        let chat = (kind == .group || kind == .reply) ? TelegramDriver.groupID(user) : TelegramDriver.userID(user)
        users[Self.key(.telegram, user), default: UserState()].lastTelegram = (body, chat)
        // In a group with privacy mode the bot answers commands and replies to itself only.
        let expect = request.expectReply ?? !(kind == .group && !request.text.hasPrefix("/"))
        try await deliverTelegram(driver, body: body, chat: chat, base: base, copies: copies, concurrent: request.concurrent ?? false, expectReply: expect, into: &exchange)
    }

    func deliverTelegram(
        _ driver: TelegramDriver, body: [UInt8], chat: Int64, base: String, copies: Int, concurrent: Bool, expectReply: Bool, into exchange: inout Exchange
    ) async throws {
        let mark = platform.telegramTexts(chat: chat).count
        let callMark = platform.telegramCallCount
        let start = ContinuousClock.now
        exchange.wire.append(driver.wire(body: body))
        if copies > 1 { exchange.notes.append("the same update delivered \(copies) times\(concurrent ? " at once" : "")") }
        if concurrent && copies > 1 {
            let results = await withTaskGroup(of: (DeliveryAttempt, WireRecord).self) { group in
                for _ in 0..<copies { group.addTask { await driver.deliver(base: base, body: body, deadline: .seconds(60)) } }
                var all: [(DeliveryAttempt, WireRecord)] = []
                for await result in group { all.append(result) }
                return all
            }
            for (attempt, record) in results {
                exchange.deliveries.append(attempt)
                exchange.wire.append(record)
            }
        } else {
            for _ in 0..<copies {
                // Telegram re-delivers an update that was not answered with 2xx (B.2); compressed
                // here to three attempts a short pause apart.
                for attemptNumber in 1...3 {
                    let (attempt, record) = await driver.deliver(base: base, body: body, deadline: .seconds(60))
                    exchange.deliveries.append(attempt)
                    exchange.wire.append(record)
                    if attempt.outcome.hasPrefix("unreachable") { throw SimulatorError.unreachable("cannot reach Heartline at \(base): \(attempt.outcome.dropFirst(13))") }
                    if attempt.outcome == "accepted" { break }
                    if attemptNumber < 3 {
                        exchange.notes.append("HTTP \(attempt.status.map(String.init) ?? "none"): Telegram delivers the update again")
                        try? await Task.sleep(for: configuration.telegramRedeliveryPause)
                    }
                }
            }
        }
        let platformRef = platform
        exchange.replies = await collect(expecting: expectReply ? 1 : 0, start: start, into: &exchange) {
            Array(platformRef.telegramTexts(chat: chat).dropFirst(mark))
        }
        exchange.total = mark + exchange.replies.count
        exchange.wire += platform.telegramCalls(from: callMark, chat: chat)
        finishInferred(&exchange)
    }
}
