import ChatCore
import Foundation
import Synchronization
import Testing
@testable import Storage

/// A clock tests move by hand.
final class TestClock: Sendable {
    private let current: Mutex<Date>
    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { current = Mutex(start) }
    var now: Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

func openStore(
    _ directory: String, clock: TestClock? = nil, configure: (inout SQLiteStore.Options) -> Void = { _ in }
) throws -> SQLiteStore {
    var options = SQLiteStore.Options()
    configure(&options)
    if let clock {
        return try SQLiteStore(dataDirectory: directory, hasher: testHasher, options: options, now: { clock.now })
    }
    return try SQLiteStore(dataDirectory: directory, hasher: testHasher, options: options)
}

@Suite struct SQLiteInboxTests {
    let directory = temporaryDirectory()
    let user = testHasher.hash("local:alice")

    @Test func recordsDedupesAndCompletes() async throws {
        let store = try openStore(directory)
        let inbox = store.inbox
        guard case .accepted(let entry) = try await inbox.record(sampleMessage(id: "1"), userHash: user) else {
            Issue.record("first record must be accepted")
            return
        }
        #expect(try await inbox.record(sampleMessage(id: "1"), userHash: user) == .duplicatePending(id: entry.id))
        let reply = Reply(body: "答", source: .retrieval)
        try await inbox.complete(entry.id, reply: reply)
        #expect(try await inbox.record(sampleMessage(id: "1"), userHash: user) == .duplicateDone(id: entry.id, reply: reply))
        #expect(try await inbox.reply(for: entry.id) == .some(reply))
        #expect(inbox.keyCount == 1)
        // The same platform id on another channel is another message.
        guard case .accepted = try await inbox.record(sampleMessage(id: "1", channel: .telegram), userHash: user) else {
            Issue.record("another channel's id must be accepted")
            return
        }
        #expect(permissions(store.path) == 0o600)
    }

    @Test func pushEntriesAreDurableAtRecordAndSurviveReopen() async throws {
        var ids: [String] = []
        do {
            let inbox = try openStore(directory).inbox
            for i in 0..<5 {
                if case .accepted(let e) = try await inbox.record(sampleMessage("消息\(i)", id: "m\(i)", channel: .telegram), userHash: user) { ids.append(e.id) }
            }
            try await inbox.complete(ids[0], reply: Reply(body: "x", source: .fixed))
        }
        let inbox = try openStore(directory).inbox
        #expect(Set(try await inbox.pending().map(\.id)) == Set(ids.dropFirst()))
        #expect(try await inbox.pending().first?.message.text == "消息1")
        #expect(try await inbox.record(sampleMessage(id: "m0", channel: .telegram), userHash: user) == .duplicateDone(id: ids[0], reply: nil))
        #expect(try await inbox.record(sampleMessage(id: "m3", channel: .telegram), userHash: user) == .duplicatePending(id: ids[3]))
        #expect(inbox.stats().pending == 4)
    }

    @Test func synchronousEntriesAreOnlyDurableWithTheirAnswer() async throws {
        let id: String
        do {
            let inbox = try openStore(directory).inbox
            guard case .accepted(let e) = try await inbox.record(sampleMessage(id: "sync"), userHash: user) else { throw TestFailure("not accepted") }
            id = e.id
            #expect(try await inbox.pending().isEmpty)  // nothing acknowledged yet: not replayed
        }
        do {
            // Reopened before the answer: the caller saw no reply and retries; the retry is new.
            let inbox = try openStore(directory).inbox
            guard case .accepted = try await inbox.record(sampleMessage(id: "sync"), userHash: user) else { throw TestFailure("retry not accepted") }
            try await inbox.complete(id, reply: Reply(body: "答", source: .retrieval))
        }
        let inbox = try openStore(directory).inbox
        #expect(try await inbox.record(sampleMessage(id: "sync"), userHash: user) == .duplicateDone(id: id, reply: Reply(body: "答", source: .retrieval)))
    }

    @Test func pushChannelRepliesAreNotKept() async throws {
        let inbox = try openStore(directory).inbox
        guard case .accepted(let e) = try await inbox.record(sampleMessage(id: "t", channel: .telegram), userHash: user) else { throw TestFailure("not accepted") }
        try await inbox.complete(e.id, reply: Reply(body: "secret answer", source: .retrieval))
        #expect(try await inbox.reply(for: e.id) == .some(nil))
    }

    @Test func purgeDropsKeptRepliesButKeepsDedupe() async throws {
        let inbox = try openStore(directory).inbox
        var ids: [String] = []
        for i in 0..<3 {
            guard case .accepted(let e) = try await inbox.record(sampleMessage(id: "p\(i)"), userHash: user) else { throw TestFailure("not accepted") }
            try await inbox.complete(e.id, reply: Reply(body: "答\(i)", source: .retrieval))
            ids.append(e.id)
        }
        try await inbox.purge(user, keeping: ids[2])
        #expect(try await inbox.reply(for: ids[0]) == .some(nil))
        #expect(try await inbox.reply(for: ids[2]) == .some(Reply(body: "答2", source: .retrieval)))
        #expect(try await inbox.record(sampleMessage(id: "p0"), userHash: user) == .duplicateDone(id: ids[0], reply: nil))
    }

    @Test func aSecondProcessCannotOpenTheSameStore() throws {
        let first = try openStore(directory)
        #expect(throws: StoreError.self) { try openStore(directory) }
        _ = first
    }

    @Test func concurrentRecordsAllSurviveReopen() async throws {
        let count = 300
        do {
            let inbox = try openStore(directory).inbox
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<count {
                    group.addTask {
                        let u = testHasher.hash("telegram:u\(i % 17)")
                        guard case .accepted = try await inbox.record(sampleMessage(user: "u\(i % 17)", id: "c\(i)", channel: .telegram), userHash: u) else {
                            throw TestFailure("not accepted")
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        #expect(try await openStore(directory).inbox.pending().count == count)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
