import ChatCore
import Foundation
import Testing
@testable import Storage

@Suite struct FileInboxTests {
    let directory = temporaryDirectory()

    func inbox(now: @escaping @Sendable () -> Date = { Date() }, options: FileInbox.Options = .init()) throws -> FileInbox {
        try FileInbox(dataDirectory: directory, hasher: testHasher, options: options, now: now)
    }

    @Test func recordsDedupesAndCompletes() async throws {
        let box = try inbox()
        let user = testHasher.hash("local:alice")
        guard case .accepted(let entry) = try await box.record(sampleMessage(id: "1"), userHash: user) else {
            Issue.record("first record must be accepted")
            return
        }
        #expect(try await box.record(sampleMessage(id: "1"), userHash: user) == .duplicatePending(id: entry.id))
        #expect(try await box.pending().map(\.id) == [entry.id])
        let reply = Reply(body: "答", source: .retrieval)
        try await box.complete(entry.id, reply: reply)
        #expect(try await box.pending().isEmpty)
        #expect(try await box.record(sampleMessage(id: "1"), userHash: user) == .duplicateDone(id: entry.id, reply: reply))
        #expect(try await box.reply(for: entry.id) == .some(reply))
        // The same platform id on another channel is another message.
        guard case .accepted = try await box.record(sampleMessage(id: "1", channel: .telegram), userHash: user) else {
            Issue.record("another channel's id must be accepted")
            return
        }
    }

    @Test func pendingEntriesAndDedupeSurviveRestart() async throws {
        let user = testHasher.hash("local:alice")
        var ids: [String] = []
        do {
            let box = try inbox()
            for i in 0..<5 {
                if case .accepted(let e) = try await box.record(sampleMessage("消息\(i)", id: "m\(i)"), userHash: user) { ids.append(e.id) }
            }
            try await box.complete(ids[0], reply: Reply(body: "答0", source: .retrieval))
            try await box.complete(ids[1], reply: nil)
        }
        let reopened = try inbox()
        #expect(try await reopened.pending().map(\.message.text) == ["消息2", "消息3", "消息4"])
        #expect(try await reopened.record(sampleMessage(id: "m0"), userHash: user) == .duplicateDone(id: ids[0], reply: Reply(body: "答0", source: .retrieval)))
        #expect(try await reopened.record(sampleMessage(id: "m3"), userHash: user) == .duplicatePending(id: ids[3]))
        #expect(permissions(directory + "/inbox/inbox.log") == 0o600)
    }

    /// The memory bound of kept replies (docs/reliability.md, soak): the index never grows far
    /// past `maxKeys` because compaction drops the oldest answered keys on its own, without a
    /// restart; unanswered entries are never dropped.
    @Test func keptRepliesStayBoundedByMaxKeys() async throws {
        var options = FileInbox.Options()
        options.maxKeys = 300
        let box = try inbox(options: options)
        let body = String(repeating: "我听到了你的感受。", count: 20)
        var largest = 0
        var unanswered: [String] = []
        for i in 0..<3000 {
            let user = testHasher.hash("local:u\(i % 50)")
            guard case .accepted(let e) = try await box.record(sampleMessage(body, user: "u\(i % 50)", id: "k\(i)"), userHash: user) else {
                Issue.record("message \(i) not accepted")
                return
            }
            if i % 500 == 7 { unanswered.append(e.id) } else { try await box.complete(e.id, reply: Reply(body: body, source: .retrieval)) }
            largest = max(largest, box.keyCount)
        }
        #expect(largest < 3000)
        #expect(box.keyCount < 1500)
        #expect(Set(try await box.pending().map(\.id)) == Set(unanswered))
    }

    @Test func pushChannelRepliesAreNotStored() async throws {
        let box = try inbox()
        let user = testHasher.hash("telegram:bot:1")
        guard case .accepted(let e) = try await box.record(sampleMessage(id: "u1", channel: .telegram), userHash: user) else { return }
        try await box.complete(e.id, reply: Reply(body: "答", source: .retrieval))
        #expect(try await box.reply(for: e.id) == .some(nil))
        let log = try String(contentsOfFile: directory + "/inbox/inbox.log", encoding: .utf8)
        #expect(!log.contains("\"答\""))
    }

    @Test func tornLastLineFromACrashIsIgnored() async throws {
        let user = testHasher.hash("local:alice")
        do {
            let box = try inbox()
            _ = try await box.record(sampleMessage("完整", id: "ok"), userHash: user)
        }
        let handle = try #require(FileHandle(forWritingAtPath: directory + "/inbox/inbox.log"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"t\":\"a\",\"id\":\"torn\",\"e\":{\"mess".utf8))
        try handle.close()
        let reopened = try inbox()
        #expect(try await reopened.pending().map(\.message.text) == ["完整"])
    }

    @Test func purgeDropsStoredRepliesAndRewritesTheLog() async throws {
        let alice = testHasher.hash("local:alice"), bob = testHasher.hash("local:bob")
        let box = try inbox()
        guard case .accepted(let a) = try await box.record(sampleMessage("爱丽丝的秘密", user: "alice", id: "a1"), userHash: alice),
              case .accepted(let b) = try await box.record(sampleMessage("鲍勃的话", user: "bob", id: "b1"), userHash: bob)
        else { return }
        try await box.complete(a.id, reply: Reply(body: "给爱丽丝的回答", source: .retrieval))
        try await box.complete(b.id, reply: Reply(body: "给鲍勃的回答", source: .retrieval))
        try await box.purge(alice, keeping: nil)
        let log = try String(contentsOfFile: directory + "/inbox/inbox.log", encoding: .utf8)
        #expect(!log.contains("爱丽丝"))
        #expect(log.contains("给鲍勃的回答"))
        // Dedupe still works for Alice's old message: it is not answered twice.
        #expect(try await box.record(sampleMessage(user: "alice", id: "a1"), userHash: alice) == .duplicateDone(id: a.id, reply: nil))
    }

    @Test func dedupeKeysExpireAfterRetention() async throws {
        let clock = TestClock(Date(timeIntervalSince1970: 1_800_000_000))
        var options = FileInbox.Options()
        options.dedupeRetention = .seconds(3600)
        let user = testHasher.hash("local:alice")
        do {
            let box = try inbox(now: clock.now, options: options)
            if case .accepted(let e) = try await box.record(sampleMessage(id: "old"), userHash: user) { try await box.complete(e.id, reply: nil) }
        }
        clock.advance(by: 7200)
        let reopened = try inbox(now: clock.now, options: options)
        guard case .accepted = try await reopened.record(sampleMessage(id: "old"), userHash: user) else {
            Issue.record("an expired dedupe key must not block a new message")
            return
        }
    }

    @Test func aSecondProcessCannotOpenTheSameInbox() async throws {
        let first = try inbox()
        #expect(throws: StoreError.self) { _ = try inbox() }
        _ = first
    }

    @Test func concurrentRecordsShareFsyncsAndAllSurvive() async throws {
        let user = testHasher.hash("local:alice")
        do {
            let box = try inbox()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<300 {
                    group.addTask { _ = try await box.record(sampleMessage("m\(i)", user: "u\(i % 7)", id: "c\(i)"), userHash: user) }
                }
                try await group.waitForAll()
            }
        }
        #expect(try await inbox().pending().count == 300)
    }
}

/// A settable clock for tests.
final class TestClock: Sendable {
    private let current: Mutex<Date>
    init(_ start: Date) { current = Mutex(start) }
    var now: @Sendable () -> Date { { self.current.withLock { $0 } } }
    func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

import Synchronization
