import ChatCore
import Foundation
import Testing
@testable import Storage

/// The first start over a directory of the old file store imports it and keeps its files aside.
/// The fixture is written in the old format (JSON lines in `inbox/inbox.log`, one JSON file per
/// user in `sessions/`), as the old `FileInbox` and `FileSessionStore` wrote it.
@Suite struct FileStoreMigrationTests {
    let directory = temporaryDirectory()

    func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return encoder
    }

    func line(_ record: LegacyFileStore.Record) throws -> String {
        String(decoding: try encoder().encode(record), as: UTF8.self) + "\n"
    }

    @Test func importsPendingEntriesDedupeKeysRepliesAndSessions() async throws {
        let alice = testHasher.hash("telegram:alice")
        let bob = testHasher.hash("local:bob")
        let now = Date(timeIntervalSince1970: 1_800_000_000.5)  // whole milliseconds: the old format stores milliseconds
        let pushID = testHasher.inboxID(for: sampleMessage(user: "alice", id: "p1", channel: .telegram))
        let pending = InboxEntry(id: pushID, userHash: alice, message: sampleMessage("还没回答", user: "alice", id: "p1", channel: .telegram), recordedAt: now)
        let doneID = testHasher.inboxID(for: sampleMessage(user: "bob", id: "d1"))
        let keptID = testHasher.inboxID(for: sampleMessage(user: "bob", id: "k1"))
        let reply = Reply(body: "旧的回答", source: .retrieval)
        var log = try line(.init(t: "a", id: pushID, at: now.timeIntervalSince1970, e: pending))
        log += try line(.init(t: "a", id: doneID, at: now.timeIntervalSince1970, e: InboxEntry(id: doneID, userHash: bob, message: sampleMessage(user: "bob", id: "d1"), recordedAt: now)))
        log += try line(.init(t: "d", id: doneID, at: now.timeIntervalSince1970, r: reply))
        log += try line(.init(t: "k", id: keptID, u: bob.value, at: now.timeIntervalSince1970 - 60, r: nil))
        log += "{\"t\":\"a\",\"id\":\"torn"  // a write cut by a crash: never acknowledged
        try FileManager.default.createDirectory(atPath: directory + "/inbox", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: directory + "/sessions", withIntermediateDirectories: true)
        try Data(log.utf8).write(to: URL(fileURLWithPath: directory + "/inbox/inbox.log"))
        var session = Session(now: now)
        session.disclaimerShown = true
        session.flags = ["telegram.blocked": "1"]
        for i in 0..<3 { session.append(Turn(question: "问\(i)", answer: "答\(i)", at: now, answerID: "a\(i)"), limits: SessionLimits()) }
        try encoder().encode(session).write(to: URL(fileURLWithPath: directory + "/sessions/\(alice.value).json"))

        do {
            let store = try openStore(directory)
            #expect(try await store.inbox.pending().map(\.id) == [pushID])
            #expect(try await store.inbox.pending().first?.message.text == "还没回答")
            #expect(try await store.inbox.record(sampleMessage(user: "bob", id: "d1"), userHash: bob) == .duplicateDone(id: doneID, reply: reply))
            #expect(try await store.inbox.record(sampleMessage(user: "bob", id: "k1"), userHash: bob) == .duplicateDone(id: keptID, reply: nil))
            #expect(try await store.sessions.load(alice) == session)
            #expect(try store.check().ok)
        }
        // The old files are kept aside, never imported twice.
        #expect(!FileManager.default.fileExists(atPath: directory + "/inbox"))
        #expect(FileManager.default.fileExists(atPath: directory + "/file-store-backup/inbox/inbox.log"))
        #expect(FileManager.default.fileExists(atPath: directory + "/file-store-backup/sessions/\(alice.value).json"))
        let reopened = try openStore(directory)
        #expect(try await reopened.inbox.pending().count == 1)
        #expect(try await reopened.sessions.load(alice)?.turns.count == 3)
    }

    @Test func anOldServerStillRunningBlocksTheImport() throws {
        try FileManager.default.createDirectory(atPath: directory + "/inbox", withIntermediateDirectories: true)
        try Data().write(to: URL(fileURLWithPath: directory + "/inbox/inbox.log"))
        let oldServer = try DirectoryLock(path: directory + "/inbox/lock")
        #expect(throws: StoreError.self) { try openStore(directory) }
        _ = oldServer
    }
}
