import ChatCore
import Foundation
import GRDB
import Testing
@testable import Storage

@Suite struct SQLiteHandoffStoreTests {
    let directory = temporaryDirectory()
    let alice = testHasher.hash("telegram:bot:5200000001")
    let bob = testHasher.hash("telegram:bot:5200000002")
    let opened = Date(timeIntervalSince1970: 1_800_000_000)

    func handoff(_ user: UserHash, reason: Handoff.Reason = .crisis, at offset: TimeInterval = 0) -> Handoff {
        Handoff(userHash: user, channel: .telegram, chatKey: "5200000001", routing: ["bot": "example_helper_bot"], languageTag: "zh-hans", reason: reason, openedAt: opened.addingTimeInterval(offset))
    }

    @Test func handoffsAndTheirMessagesSurviveAReopen() async throws {
        let first = handoff(alice)
        do {
            let store = try openStore(directory)
            try await store.handoffs.insert(first)
            try await store.handoffs.append(HandoffMessage(id: "u-1", from: .user, text: "我不想活了", at: opened), to: first.id)
            try await store.handoffs.append(HandoffMessage(id: "b-1", from: .bot, text: "回复", at: opened), to: first.id)
            // A replayed message (same id) is not added twice.
            try await store.handoffs.append(HandoffMessage(id: "u-1", from: .user, text: "我不想活了", at: opened), to: first.id)
            try await store.handoffs.append(HandoffMessage(from: .counsellor, text: "我在这里", at: opened.addingTimeInterval(60), counsellor: "王老师"), to: first.id)
        }
        let store = try openStore(directory)
        let loaded = try #require(try await store.handoffs.handoff(id: first.id, messageLimit: 50))
        #expect(loaded.userHash == alice && loaded.chatKey == "5200000001" && loaded.routing == ["bot": "example_helper_bot"] && loaded.status == .open)
        #expect(loaded.messages.map(\.from) == [.user, .bot, .counsellor])
        #expect(loaded.messages.last?.counsellor == "王老师")
        #expect(try await store.handoffs.handoff(id: first.id, messageLimit: 1)?.messages.map(\.from) == [.counsellor])
        #expect(try await store.handoffs.active(for: alice)?.id == first.id)
        #expect(try await store.handoffs.active(for: bob) == nil)
    }

    @Test func updatesAreConditionalOnTheStatus() async throws {
        let store = try openStore(directory)
        var open = handoff(alice)
        try await store.handoffs.insert(open)
        open.status = .timedOut
        open.updatedAt = opened.addingTimeInterval(600)
        #expect(try await store.handoffs.update(open, expecting: .open))
        // A second writer that still believes it is open loses.
        var stale = open
        stale.status = .closed
        #expect(try await !store.handoffs.update(stale, expecting: .open))
        #expect(try await store.handoffs.handoff(id: open.id, messageLimit: 0)?.status == .timedOut)
        open.status = .closed
        #expect(try await store.handoffs.update(open, expecting: .timedOut))
        #expect(try await store.handoffs.active(for: alice) == nil)
        // The mini-program poll still finds it, closed.
        #expect(try await store.handoffs.latest(for: alice)?.status == .closed)
        #expect(try await store.handoffs.latest(for: bob) == nil)
    }

    @Test func listsByStatusMostRecentFirstAndForgetsAUser() async throws {
        let store = try openStore(directory)
        let a = handoff(alice)
        var b = handoff(bob, reason: .request, at: 30)
        try await store.handoffs.insert(a)
        try await store.handoffs.insert(b)
        try await store.handoffs.append(HandoffMessage(from: .user, text: "转人工", at: opened), to: b.id)
        #expect(try await store.handoffs.list(statuses: [.open], limit: 10, messageLimit: 5).map(\.id) == [b.id, a.id])
        b.status = .closed
        b.updatedAt = opened.addingTimeInterval(90)
        _ = try await store.handoffs.update(b, expecting: .open)
        #expect(try await store.handoffs.list(statuses: [.open, .timedOut], limit: 10, messageLimit: 5).map(\.id) == [a.id])
        #expect(try await store.handoffs.list(statuses: Set(Handoff.Status.allCases), limit: 1, messageLimit: 5).first?.messages.count == 1)

        try await store.handoffs.delete(bob)
        #expect(try await store.handoffs.handoff(id: b.id, messageLimit: 5) == nil)
        let orphans = try await store.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM handoff_messages") ?? -1 }
        #expect(orphans == 0)
        #expect(try await store.handoffs.active(for: alice)?.id == a.id)
    }

    @Test func aVersionOneDatabaseIsUpgradedInPlace() async throws {
        let path = directory + "/" + SQLiteStore.fileName
        do {
            let queue = try DatabaseQueue(path: path)
            try await queue.write { db in
                for statement in StoreSchema.statements { try db.execute(sql: statement) }
                try db.execute(sql: "INSERT INTO sessions(user, updated_at, meta) VALUES ('u', 1, x'7b7d')")
                try db.execute(sql: "PRAGMA user_version = 1")
            }
        }
        let store = try openStore(directory)
        let version = try await store.pool.read { try Int.fetchOne($0, sql: "PRAGMA user_version") }
        #expect(version == StoreSchema.version)
        #expect(try await store.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM sessions") } == 1)
        let a = handoff(alice)
        try await store.handoffs.insert(a)
        #expect(try await store.handoffs.active(for: alice)?.id == a.id)
    }
}
