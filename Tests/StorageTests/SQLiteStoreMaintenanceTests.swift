import ChatCore
import Foundation
import GRDB
import Synchronization
import Testing
@testable import Storage

@Suite struct SQLiteStoreMaintenanceTests {
    let directory = temporaryDirectory()
    let user = testHasher.hash("local:alice")

    func answer(_ inbox: SQLiteInbox, id: String, channel: ChatChannel, reply: Reply? = Reply(body: "答", source: .retrieval)) async throws -> String {
        guard case .accepted(let e) = try await inbox.record(sampleMessage(id: id, channel: channel), userHash: user) else { throw TestFailure("not accepted") }
        try await inbox.complete(e.id, reply: reply)
        return e.id
    }

    /// Dedupe holds by time, per channel, whatever the number of keys; replies go sooner.
    @Test func dedupeWindowIsByTimePerChannel() async throws {
        let clock = TestClock()
        let store = try openStore(directory, clock: clock) {
            $0.dedupeRetention = .seconds(7 * 24 * 3600)
            $0.dedupeRetentionByChannel = [.telegram: .seconds(3600)]
            $0.replyRetention = .seconds(600)
        }
        let inbox = store.inbox
        let local = try await answer(inbox, id: "l", channel: .local)
        let telegram = try await answer(inbox, id: "t", channel: .telegram, reply: nil)

        clock.advance(601)
        _ = try await store.pruneOnce()
        #expect(try await inbox.record(sampleMessage(id: "l"), userHash: user) == .duplicateDone(id: local, reply: nil))  // reply gone, id kept

        clock.advance(3600)
        _ = try await store.pruneOnce()
        guard case .accepted = try await inbox.record(sampleMessage(id: "t", channel: .telegram), userHash: user) else {
            throw TestFailure("telegram id must be forgotten after its window")
        }
        _ = telegram
        #expect(try await inbox.record(sampleMessage(id: "l"), userHash: user) == .duplicateDone(id: local, reply: nil))

        clock.advance(7 * 24 * 3600)
        _ = try await store.pruneOnce()
        guard case .accepted = try await inbox.record(sampleMessage(id: "l"), userHash: user) else {
            throw TestFailure("local id must be forgotten after 7 days")
        }
    }

    @Test func pruningDeletesInSmallBatches() async throws {
        let clock = TestClock()
        let store = try openStore(directory, clock: clock) {
            $0.pruneBatch = 10
            $0.dedupeRetention = .seconds(60)
        }
        for i in 0..<35 { _ = try await answer(store.inbox, id: "k\(i)", channel: .telegram, reply: nil) }
        #expect(store.inbox.keyCount == 35)
        clock.advance(61)
        var rounds: [Int] = []
        while true {
            let removed = try await store.pruneOnce()
            if removed == 0 { break }
            rounds.append(removed)
        }
        #expect(rounds == [10, 10, 10, 5])
        #expect(store.inbox.keyCount == 0)
    }

    /// A failed commit stops the store (every later write is refused, the failure is reported
    /// once) and nothing half-done is on disk; reopening recovers everything committed before.
    @Test func failedCommitIsFatalAndReopenRecovers() async throws {
        let failNext = FaultSwitch()
        var committed: [String] = []
        do {
            let store = try openStore(directory) { options in
                options.beforeCommit = { if failNext.on { throw TestFailure("injected sync failure") } }
            }
            let inbox = store.inbox
            for i in 0..<3 {
                guard case .accepted(let e) = try await inbox.record(sampleMessage(id: "ok\(i)", channel: .telegram), userHash: user) else { throw TestFailure("x") }
                committed.append(e.id)
            }
            failNext.set(true)
            await #expect(throws: StoreError.self) {
                try await inbox.record(sampleMessage(id: "lost", channel: .telegram), userHash: user)
            }
            var failures = store.failures.makeAsyncIterator()
            let reported = await failures.next()
            #expect(reported != nil)
            #expect(store.failure != nil)
            failNext.set(false)
            // Stopped: nothing more is accepted, not even once the fault is gone.
            await #expect(throws: StoreError.self) {
                try await inbox.record(sampleMessage(id: "after", channel: .telegram), userHash: user)
            }
        }
        let store = try openStore(directory)
        #expect(Set(try await store.inbox.pending().map(\.id)) == Set(committed))
        guard case .accepted = try await store.inbox.record(sampleMessage(id: "lost", channel: .telegram), userHash: user) else {
            throw TestFailure("the refused message was never acknowledged, so it is new")
        }
        #expect(try store.check().ok)
    }

    @Test func checkReportsIntegrityAndInvariants() async throws {
        let store = try openStore(directory)
        _ = try await answer(store.inbox, id: "a", channel: .local)
        var report = try store.check()
        #expect(report.ok, "\(report)")
        try await store.commits.commit { db in
            try db.execute(sql: "INSERT INTO turns(user, key, seq, turn) VALUES ('nobody', 'k', 1, x'7b7d')")
        }
        report = try store.check()
        #expect(!report.ok)
        #expect(report.problems.contains { $0.contains("turns without a session") })
    }
}

/// Makes the next commits fail while on (fault injection).
final class FaultSwitch: Sendable {
    private let state = Mutex(false)
    var on: Bool { state.withLock { $0 } }
    func set(_ value: Bool) { state.withLock { $0 = value } }
}
