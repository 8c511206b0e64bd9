import ChatCore
import Foundation
import Synchronization
import Testing
@testable import TelegramAdapter
import TelegramBotAPIFake

/// Long polling against the fake (B.3): offsets move only past recorded updates, webhooks block
/// polling unless deleted, unreadable elements do not stall the poller.
@Suite struct LongPollerTests {
    final class MemoryOffsets: TelegramOffsetStore {
        let value = Mutex<Int64?>(nil)
        let saves = Mutex<[Int64]>([])
        func load() async throws -> Int64? { value.withLock { $0 } }
        func save(_ offset: Int64) async throws {
            value.withLock { $0 = offset }
            saves.withLock { $0.append(offset) }
        }
    }

    final class Handled: Sendable {
        let ids = Mutex<[Int64]>([])
        let refuse = Mutex<Set<Int64>>([])
        func handle(_ update: TelegramUpdate) -> TelegramUpdateHandling {
            if refuse.withLock({ $0.contains(update.updateID) }) { return .retryLater }
            ids.withLock { $0.append(update.updateID) }
            return .done
        }
    }

    static func update(_ id: Int64) -> String {
        #"{"update_id": \#(id), "message": {"message_id": \#(id), "date": 1, "chat": {"id": 5, "type": "private"}, "from": {"id": 5}, "text": "m\#(id)"}}"#
    }

    static func poller(_ api: TelegramBotAPI, _ offsets: MemoryOffsets, deleteWebhook: Bool = false) -> TelegramLongPoller {
        TelegramLongPoller(api: api, offsets: offsets, options: .init(timeoutSeconds: 0, deleteWebhook: deleteWebhook), sleep: { _ in })
    }

    @Test func confirmsOnlyWhatWasHandled() async throws {
        try await BotAPIHarness.run { fake, api, _ in
            let offsets = MemoryOffsets()
            let handled = Handled()
            let poller = Self.poller(api, offsets)
            for id in Int64(101)...103 { fake.enqueueUpdate(Self.update(id)) }
            handled.refuse.withLock { $0 = [102] }
            var outcome = try await poller.pollOnce(offset: nil) { handled.handle($0) }
            #expect(outcome == .init(offset: 102, handled: 1, failed: true))
            #expect(offsets.saves.withLock { $0 } == [102])
            handled.refuse.withLock { $0 = [] }
            outcome = try await poller.pollOnce(offset: outcome.offset) { handled.handle($0) }
            #expect(outcome == .init(offset: 104, handled: 2, failed: false))
            #expect(handled.ids.withLock { $0 } == [101, 102, 103])
            // Telegram confirmed everything below the offset when it was asked with it.
            outcome = try await poller.pollOnce(offset: outcome.offset) { handled.handle($0) }
            #expect(outcome.handled == 0)
            #expect(fake.pendingUpdateCount == 0)
            let offsetsSent = fake.calls("getUpdates").map { $0.json["offset"] as? Int64 }
            #expect(offsetsSent == [nil, 102, 104])
        }
    }

    @Test func refusesWhileAWebhookIsSetUnlessToldToDeleteIt() async throws {
        try await BotAPIHarness.run { fake, api, _ in
            fake.setWebhook(url: "https://bot.example.org/telegram/webhook")
            await #expect(throws: TelegramPollingError.webhookActive) { try await Self.poller(api, MemoryOffsets()).prepare() }
            #expect(fake.webhookURL != nil)
            await #expect(throws: TelegramPollingError.webhookActive) {
                _ = try await Self.poller(api, MemoryOffsets()).pollOnce(offset: nil) { _ in .done }
            }
            try await Self.poller(api, MemoryOffsets(), deleteWebhook: true).prepare()
            #expect(fake.webhookURL == nil)
            #expect(fake.calls("deleteWebhook").first?.json["drop_pending_updates"] == nil)
        }
    }

    @Test func badTokenStopsPolling() async throws {
        try await BotAPIHarness.run(token: "7000000002:wrong") { _, api, _ in
            await #expect(throws: TelegramPollingError.unauthorized) {
                _ = try await Self.poller(api, MemoryOffsets()).pollOnce(offset: nil) { _ in .done }
            }
        }
    }

    @Test func unreadableElementsAreSkipped() async throws {
        try await BotAPIHarness.run { fake, api, _ in
            let handled = Handled()
            fake.enqueueUpdate(#"{"update_id": 200, "message": "not an object"}"#)
            fake.enqueueUpdate(#"{"update_id": "two hundred one"}"#)
            fake.enqueueUpdate(Self.update(202))
            let outcome = try await Self.poller(api, MemoryOffsets()).pollOnce(offset: nil) { handled.handle($0) }
            #expect(handled.ids.withLock { $0 } == [200, 202])  // 200 maps to "malformed", still confirmed
            #expect(outcome.offset == 203)
        }
    }

    @Test func serverErrorsBackOffWithoutMovingTheOffset() async throws {
        try await BotAPIHarness.run { fake, api, _ in
            fake.script("getUpdates", [.serverError])
            let outcome = try await Self.poller(api, MemoryOffsets()).pollOnce(offset: 50) { _ in .done }
            #expect(outcome == .init(offset: 50, handled: 0, failed: true))
        }
    }
}
