import Foundation
import Synchronization
import Testing
@testable import TelegramAdapter

/// Outgoing pacing (B.9): ~1 message/s per chat, 20/min per group, 30/s overall, and a busy chat
/// does not hold up others.
@Suite struct PacerTests {
    final class Clock: Sendable {
        let start = ContinuousClock.now
        let offset = Mutex<Duration>(.zero)
        var now: ContinuousClock.Instant { start + offset.withLock { $0 } }
        func advance(_ d: Duration) { offset.withLock { $0 += d } }
    }

    @Test func oneMessagePerSecondPerChatWithoutBlockingOthers() async {
        let clock = Clock()
        let pacer = TelegramPacer(limits: .init(), now: { clock.now })
        // Global slots are 1/30 s wide, so waits are rounded up by at most one slot.
        let slot = Duration.milliseconds(34)
        #expect(await pacer.reserve(chat: 1, isGroup: false) == .zero)
        let second = await pacer.reserve(chat: 1, isGroup: false)
        #expect(second >= .seconds(1) && second < .seconds(1) + slot)
        let third = await pacer.reserve(chat: 1, isGroup: false)
        #expect(third >= .seconds(2) && third < .seconds(2) + slot)
        // Another chat only waits for the global spacing (1/30 s per message).
        let other = await pacer.reserve(chat: 2, isGroup: false)
        #expect(other < .milliseconds(150))
        clock.advance(.seconds(5))
        #expect(await pacer.reserve(chat: 1, isGroup: false) < slot)
    }

    @Test func twentyPerMinutePerGroup() async {
        let clock = Clock()
        let pacer = TelegramPacer(limits: .init(perChatInterval: .zero), now: { clock.now })
        var waits: [Duration] = []
        for _ in 0..<21 { waits.append(await pacer.reserve(chat: -100, isGroup: true)) }
        #expect(waits[..<20].allSatisfy { $0 < .seconds(1) })
        #expect(waits[20] >= .seconds(60))
        // Within any 60 s window there are at most 20 sends.
        #expect(waits[20] - waits[0] >= .seconds(60))
    }

    @Test func thirtyPerSecondOverall() async {
        let clock = Clock()
        let pacer = TelegramPacer(limits: .init(perChatInterval: .seconds(1), globalPerSecond: 30), now: { clock.now })
        var waits: [Duration] = []
        for chat in 0..<61 { waits.append(await pacer.reserve(chat: Int64(chat + 1), isGroup: false)) }
        #expect(waits.filter { $0 < .seconds(1) }.count == 30)
        #expect(waits[60] >= .seconds(2) - .milliseconds(1))
        #expect(zip(waits, waits.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test func floodWaitPenalisesOnlyThatChat() async {
        let clock = Clock()
        let pacer = TelegramPacer(limits: .init(), now: { clock.now })
        await pacer.penalize(chat: 9, for: .seconds(7))
        let wait = await pacer.reserve(chat: 9, isGroup: false)
        #expect(wait >= .seconds(7) && wait < .milliseconds(7034))
        #expect(await pacer.reserve(chat: 10, isGroup: false) < .milliseconds(100))
    }

    @Test func unlimitedNeverWaitsAndMemoryIsBounded() async {
        let clock = Clock()
        let pacer = TelegramPacer(limits: .unlimited, now: { clock.now })
        for chat in 0..<5000 {
            #expect(await pacer.reserve(chat: Int64(chat), isGroup: chat % 2 == 0) == .zero)
        }
        clock.advance(.seconds(120))
        for chat in 5000..<9000 { _ = await pacer.reserve(chat: Int64(chat), isGroup: false) }
        #expect(await pacer.trackedChats < 5000)
    }
}
