import ChatCore
import Foundation
import PostgresStore
import PostgresTestSupport
import Storage
import Testing

/// The PostgreSQL handoff store keeps the port's promises, like the embedded one.
@Suite(.enabled(if: PostgresTestServer.isAvailable, Comment(rawValue: PostgresTestServer.unavailableReason ?? "")), .timeLimit(.minutes(2))) struct HandoffStoreTests {
    let opened = Date(timeIntervalSince1970: 1_800_000_000)

    func handoff(_ user: UserHash, reason: Handoff.Reason = .crisis, at offset: TimeInterval = 0) -> Handoff {
        Handoff(userHash: user, channel: .telegram, chatKey: "5200000001", routing: ["bot": "b"], languageTag: "zh-hans", reason: reason, openedAt: opened.addingTimeInterval(offset))
    }

    @Test func handoffsMessagesConditionalUpdatesListingAndForget() async throws {
        let server = try #require(try await server(), "the gate said PostgreSQL is available")
        let (_, configuration) = try await freshDatabase(on: server)
        let alice = testHasher.hash("telegram:b:1")
        let bob = testHasher.hash("telegram:b:2")
        var a = handoff(alice)
        let b = handoff(bob, reason: .request, at: 30)
        let store = makeStore(configuration)
        try await running([store]) {
            try await store.handoffs.insert(a)
            try await store.handoffs.insert(b)
            try await store.handoffs.append(HandoffMessage(id: "u-1", from: .user, text: "我不想活了", at: opened), to: a.id)
            try await store.handoffs.append(HandoffMessage(id: "u-1", from: .user, text: "我不想活了", at: opened), to: a.id)
            try await store.handoffs.append(HandoffMessage(from: .counsellor, text: "我在这里", at: opened, counsellor: "王老师"), to: a.id)
            // A message for a handoff that was forgotten meanwhile is dropped, not an error.
            try await store.handoffs.append(HandoffMessage(from: .user, text: "x", at: opened), to: "missing")

            let loaded = try #require(try await store.handoffs.handoff(id: a.id, messageLimit: 10))
            #expect(loaded.messages.map(\.from) == [.user, .counsellor] && loaded.messages.last?.counsellor == "王老师")
            #expect(loaded.routing == ["bot": "b"] && loaded.openedAt == a.openedAt)
            #expect(try await store.handoffs.list(statuses: [.open], limit: 10, messageLimit: 0).map(\.id) == [b.id, a.id])

            a.status = .timedOut
            a.updatedAt = opened.addingTimeInterval(600)
            #expect(try await store.handoffs.update(a, expecting: .open))
            #expect(try await !store.handoffs.update(a, expecting: .open))
            #expect(try await store.handoffs.active(for: alice)?.status == .timedOut)
            a.status = .closed
            #expect(try await store.handoffs.update(a, expecting: .timedOut))
            #expect(try await store.handoffs.active(for: alice) == nil)
            #expect(try await store.handoffs.latest(for: alice)?.id == a.id)  // the mini-program poll sees it closed

            try await store.handoffs.delete(bob)
            #expect(try await store.handoffs.handoff(id: b.id, messageLimit: 1) == nil)
            #expect(try await store.handoffs.handoff(id: a.id, messageLimit: 1) != nil)
        }
    }
}
