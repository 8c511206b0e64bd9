import ChatCore
import Storage
import Foundation
import HTTPTypes
import HeartlineServer
import HeartlineTestSupport
import HummingbirdTesting
import Testing
import TelegramAdapter
import TelegramBotAPIFake

/// Replies through the whole server while the Bot API misbehaves (B.1, B.9): 429 with
/// retry_after, 400 migrate, 500, slow answers, and pacing.
@Suite struct TelegramDeliveryTests {
    func withServer<T: Sendable>(
        sleeps: SleepLog = SleepLog(), configure: @Sendable (inout HeartlineSettings) -> Void = { _ in },
        _ body: @Sendable (any TestClientProtocol, TelegramBotAPIFake, TelegramServerHarness.Context) async throws -> T
    ) async throws -> T {
        try await TelegramServerHarness.withServer(sleeps: sleeps, configure: configure, body)
    }

    @Test func floodWaitsServerErrorsAndSlowAnswersAreRidden() async throws {
        let sleeps = SleepLog()
        try await withServer(sleeps: sleeps, configure: { $0.telegram.callTimeout = .seconds(20) }) { (client, fake, _) async throws in
            fake.script("sendMessage", [.tooManyRequests(retryAfter: 4), .serverError, .delay(.milliseconds(300))])
            let status = try await client.postUpdate(try TelegramFixtures.bytes("private-chinese-text")).status
            #expect(status == .ok)
            let sent = await fake.waitFor("sendMessage")
            #expect(sent.count == 1)
            #expect(fake.calls("sendMessage").map(\.status) == [429, 500, 200])
            #expect(sleeps.recorded.contains(.seconds(4)))
        }
    }

    @Test func aMigratedGroupIsFollowedAndRemembered() async throws {
        try await withServer(configure: { $0.telegram.username = "example_helper_bot" }) { (client, fake, context) async throws in
            fake.migrate(chat: -4_012_345_678, to: -1_004_012_345_678)
            let status = try await client.postUpdate(try TelegramFixtures.bytes("group-help-no-suffix")).status
            #expect(status == .ok)
            await fake.waitFor("sendMessage")
            #expect(fake.calls("sendMessage").compactMap(\.chatID) == [-4_012_345_678, -1_004_012_345_678])
            #expect(await context.telegram.chats.currentChatID(for: -4_012_345_678) == -1_004_012_345_678)
            let state = try String(contentsOfFile: context.telegramStatePath, encoding: .utf8)
            #expect(state.contains("-1004012345678"))
        }
    }

    @Test func deliveryThatKeepsFailingGivesUpAndTheMessageIsDone() async throws {
        try await withServer { (client, fake, context) async throws in
            fake.script("sendMessage", Array(repeating: .serverError, count: 4))
            let status = try await client.postUpdate(try TelegramFixtures.bytes("private-chinese-text")).status
            #expect(status == .ok)
            await fake.waitFor("sendMessage", count: 4, where: { $0.status == 500 })
            // Marked done (not retried forever, not replayed after a restart).
            let marker = try await client.postUpdate(TelegramFixtures.privateText(updateID: 734_512_500, user: 5_200_000_002, text: "还在吗")).status
            #expect(marker == .ok)
            await fake.waitFor("sendMessage")
            #expect(await eventually(timeout: .seconds(30)) { context.inbox.stats().pending == 0 })
            #expect(fake.calls("sendMessage").count == 5)
        }
    }

    @Test func pacingSpacesMessagesToOneChat() async throws {
        let sleeps = SleepLog()
        try await withServer(sleeps: sleeps, configure: { $0.telegram.pacing = TelegramPacer.Limits() }) { (client, fake, _) async throws in
            // Two quick messages from one user: the second reply waits about a second (B.9).
            for id in Int64(1)...2 {
                let status = try await client.postUpdate(TelegramFixtures.privateText(updateID: id, user: 42, text: "第\(id)条")).status
                #expect(status == .ok)
            }
            await fake.waitFor("sendMessage", count: 2)
            // The pacer reserved the second send about a second after the first and waited for it
            // (the recorded wait; the test sleep returns at once) — unless a slow machine already
            // spent that second between the two, so there was nothing left to wait for. The exact
            // spacing is checked with a controlled clock in TelegramPacerTests.
            let sends = fake.calls("sendMessage").map(\.at)
            #expect(sends.count == 2)
            let gap = sends.count == 2 ? sends[1] - sends[0] : .zero
            let paced = sleeps.recorded.contains { $0 > .zero && $0 <= .milliseconds(1000) }
            #expect(paced || gap >= .milliseconds(1000), "gap \(gap), waits \(sleeps.recorded)")
        }
    }
}
