import ChatCore
import Foundation
import GRDB
import Synchronization
import Testing
@testable import Storage

@Suite struct SQLiteSessionStoreTests {
    let directory = temporaryDirectory()
    let user = testHasher.hash("local:alice")
    let limits = SessionLimits(maxTurns: 3, maxCharacters: 4000)

    func turn(_ i: Int) -> Turn {
        Turn(question: "问题\(i)", answer: "回答\(i)", at: Date(timeIntervalSince1970: 1_800_000_000 + Double(i)), answerID: "a\(i)")
    }

    func turnRows(_ store: SQLiteStore) throws -> Int {
        try store.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM turns") ?? 0 }
    }

    @Test func appendsTurnsTrimsTheOldestAndSurvivesReopen() async throws {
        var expected = Session(now: Date(timeIntervalSince1970: 1_800_000_000))
        do {
            let store = try openStore(directory)
            #expect(try await store.sessions.load(user) == nil)
            for i in 0..<5 {
                expected.append(turn(i), limits: limits)
                expected.flags["telegram.blocked"] = i == 4 ? "1" : nil
                try await store.sessions.save(expected, for: user)
            }
            #expect(try turnRows(store) == 3)  // trimmed rows are deleted, not kept
        }
        let store = try openStore(directory)
        #expect(try await store.sessions.load(user) == expected)
        #expect(try await store.sessions.load(user)?.turns.map(\.question) == ["问题2", "问题3", "问题4"])
    }

    @Test func resetRewritesAndDeleteRemovesEverything() async throws {
        let store = try openStore(directory)
        var session = Session(now: Date())
        session.append(turn(1), limits: limits)
        try await store.sessions.save(session, for: user)
        session.turns.removeAll()
        session.crisisModeUntil = nil
        try await store.sessions.save(session, for: user)
        #expect(try turnRows(store) == 0)
        session.append(turn(2), limits: limits)
        try await store.sessions.save(session, for: user)
        try await store.sessions.delete(user)
        #expect(try await store.sessions.load(user) == nil)
        #expect(try await openStoreReadOnly().sessions.load(user) == nil)
        #expect(try turnRows(store) == 0)
    }

    func openStoreReadOnly() throws -> SQLiteStore {
        try openStore(directory) { $0.exclusive = false }
    }

    /// A save made while an entry is answered is held back and committed with the entry's
    /// completion, in one transaction; a replay of the same message cannot add its turn twice.
    @Test func turnCommitsWithCompletionAndReplayCannotDuplicateIt() async throws {
        let store = try openStore(directory)
        let inbox = store.inbox
        guard case .accepted(let entry) = try await inbox.record(sampleMessage(id: "r1", channel: .telegram), userHash: user) else {
            throw TestFailure("not accepted")
        }
        var session = Session(now: Date())
        session.append(turn(1), limits: limits)
        try await StoreContext.$entryID.withValue(entry.id) {
            try await store.sessions.save(session, for: user)
        }
        // Held back: not on disk before the completion.
        #expect(try turnRows(openStoreReadOnly()) == 0)
        try await inbox.complete(entry.id, reply: nil)
        #expect(try turnRows(store) == 1)

        // A replay (same entry id) whose save is applied again adds no second row.
        let replay = try SessionDelta.plan(previous: .placeholder, new: session, key: entry.id).change(user: user, codec: StoreCodec())
        try await store.commits.commit(replay)
        #expect(try turnRows(store) == 1)
    }

    @Test func newOptionalSessionFieldsAndFlagsSurvive() async throws {
        var session = Session(now: Date(timeIntervalSince1970: 1_800_000_000))
        session.disclaimerShown = true
        session.crisisModeUntil = Date(timeIntervalSince1970: 1_800_003_600)
        session.flags = ["a": "1", "b": "2"]
        do { try await openStore(directory).sessions.save(session, for: user) }
        #expect(try await openStore(directory).sessions.load(user) == session)
    }

    @Test func sweepRemovesOnlyIdleSessions() async throws {
        let store = try openStore(directory) { $0.pruneBatch = 2 }
        let old = Date(timeIntervalSince1970: 1_700_000_000)
        for i in 0..<5 {
            var s = Session(now: old)
            s.append(Turn(question: "q", answer: "a", at: old), limits: limits)
            try await store.sessions.save(s, for: testHasher.hash("u\(i)"))
        }
        var fresh = Session(now: Date())
        fresh.append(turn(1), limits: limits)
        fresh.updatedAt = Date()
        try await store.sessions.save(fresh, for: user)
        #expect(try await store.sessions.sweep(idleSince: Date(timeIntervalSince1970: 1_750_000_000)) == 5)
        #expect(try await store.sessions.load(testHasher.hash("u0")) == nil)
        #expect(try await store.sessions.load(user) != nil)
        #expect(try turnRows(store) == 1)
    }

    @Test func cacheStaysWithinItsByteBudget() async throws {
        let store = try openStore(directory) { $0.sessionCacheBytes = 64 * 1024 }
        for i in 0..<400 {
            var s = Session(now: Date())
            s.append(Turn(question: String(repeating: "问", count: 200), answer: String(repeating: "答", count: 200), at: Date()), limits: limits)
            try await store.sessions.save(s, for: testHasher.hash("u\(i)"))
        }
        let (bytes, count) = store.cache.withLock { ($0.bytes, $0.count) }
        #expect(bytes <= 64 * 1024)
        #expect(count > 10 && count < 400)
        // Evicted sessions are read back from the database.
        #expect(try await store.sessions.load(testHasher.hash("u0"))?.turns.count == 1)
    }
}
