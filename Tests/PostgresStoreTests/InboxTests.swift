import ChatCore
import Foundation
import HeartlineTestSupport
import PostgresStore
import PostgresTestSupport
import Storage
import Synchronization
import Testing

@Suite(.enabled(if: PostgresTestServer.isAvailable, Comment(rawValue: PostgresTestServer.unavailableReason ?? "")), .timeLimit(.minutes(2))) struct InboxTests {
    @Test func dedupeHoldsAcrossInstancesAndKeepsAPIReplies() async throws {
        let server = try #require(try await server(), "the gate said PostgreSQL is available")
        let (_, configuration) = try await freshDatabase(on: server)
        let a = makeStore(configuration), b = makeStore(configuration)
        try await running([a, b]) {
            let user = testHasher.hash("local:alice")
            guard case .accepted(let entry) = try await a.inbox.record(message(id: "m1"), userHash: user) else {
                Issue.record("first record must be accepted")
                return
            }
            #expect(try await b.inbox.record(message(id: "m1"), userHash: user) == .duplicatePending(id: entry.id))
            #expect(try await b.inbox.reply(for: entry.id) == .none)
            let reply = Reply(body: "答", source: .retrieval)
            try await a.inbox.complete(entry.id, reply: reply)
            #expect(try await b.inbox.record(message(id: "m1"), userHash: user) == .duplicateDone(id: entry.id, reply: reply))
            #expect(try await b.inbox.reply(for: entry.id) == .some(reply))
            #expect(try await b.inbox.pending().isEmpty)

            // Push channels keep no reply text; concurrent records of one message accept once.
            let results = try await withThrowingTaskGroup(of: InboxRecordResult.self) { group in
                for store in [a, b, a, b] { group.addTask { try await store.inbox.record(message(id: "t1", channel: .telegram), userHash: user) } }
                return try await group.reduce(into: [InboxRecordResult]()) { $0.append($1) }
            }
            let accepted = results.compactMap { if case .accepted(let e) = $0 { e } else { nil } }
            #expect(accepted.count == 1)
            try await b.inbox.complete(accepted[0].id, reply: reply)
            #expect(try await a.inbox.record(message(id: "t1", channel: .telegram), userHash: user) == .duplicateDone(id: accepted[0].id, reply: nil))
        }
    }

    @Test func twoCompetingInstancesKeepPerUserOrderAndAnswerEachOnce() async throws {
        let server = try #require(try await server(), "the gate said PostgreSQL is available")
        let (name, configuration) = try await freshDatabase(on: server, options: "batch=4")
        let a = makeStore(configuration), b = makeStore(configuration)
        struct Tally {
            var active: [UserHash: Int] = [:]
            var order: [UserHash: [String]] = [:]
            var overlaps = 0
            var handled = 0
        }
        let tally = Locked(Tally())
        let users = (0..<6).map { testHasher.hash("local:user\($0)") }
        let perUser = 15
        var expected: [UserHash: [String]] = [:]
        try await running([a, b]) {
            // Workers first, so claiming competes with recording.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for store in [a, b] {
                    for _ in 0..<4 {
                        group.addTask {
                            while let entry = await store.workSource.next() {
                                tally.withLock { t in
                                    t.active[entry.userHash, default: 0] += 1
                                    if t.active[entry.userHash]! > 1 { t.overlaps += 1 }
                                    t.order[entry.userHash, default: []].append(entry.message.platformMessageID)
                                }
                                try? await Task.sleep(for: .milliseconds(Int.random(in: 0...4)))
                                tally.withLock { $0.active[entry.userHash]! -= 1 }
                                try await store.inbox.complete(entry.id, reply: nil)
                                tally.withLock { $0.handled += 1 }
                                await store.workSource.finished(entry)
                            }
                        }
                    }
                }
                for i in 0..<perUser {
                    for (u, user) in users.enumerated() {
                        let id = "u\(u)-\(i)"
                        expected[user, default: []].append(id)
                        let store = (i + u) % 2 == 0 ? a : b
                        let result = try await store.inbox.record(message(user: "user\(u)", id: id), userHash: user)
                        guard case .accepted(let entry) = result else { Issue.record("not accepted"); return }
                        try await store.workSource.submit(entry)
                    }
                }
                #expect(await eventually(timeout: .seconds(20)) { tally.withLock { $0.handled } == users.count * perUser })
                await a.workSource.close()
                await b.workSource.close()
                try await group.waitForAll()
            }
        }
        let t = tally.withLock { $0 }
        #expect(t.overlaps == 0)
        #expect(t.order == expected)
        #expect(try await server.psql("SELECT count(*) FROM heartline_inbox WHERE done_at IS NULL OR attempts <> 1", database: name) == "0")
    }

    @Test func aDeadWorkersEntryIsTakenOverWhenItsLeaseRunsOut() async throws {
        let server = try #require(try await server(), "the gate said PostgreSQL is available")
        let (name, configuration) = try await freshDatabase(on: server, options: "lease_ms=1000&poll_ms=200")
        let user = testHasher.hash("local:alice")
        let dead = makeStore(configuration)
        let claimedAt = Locked(ContinuousClock.now)
        let claimed: InboxEntry? = try await running([dead]) {
            guard case .accepted(let first) = try await dead.inbox.record(message(id: "1"), userHash: user),
                  case .accepted(let second) = try await dead.inbox.record(message(id: "2"), userHash: user)
            else { return nil }
            try await dead.workSource.submit(first)
            try await dead.workSource.submit(second)
            // Takes the first and "dies" holding it: never completes, stops renewing.
            let entry = await dead.workSource.next()
            claimedAt.withLock { $0 = ContinuousClock.now }
            return entry
        }
        #expect(claimed?.message.platformMessageID == "1")
        let survivor = makeStore(configuration)
        try await running([survivor]) {
            // The user's second message must wait for the first: order is kept across the takeover.
            let retaken = await survivor.workSource.next()
            #expect(retaken?.message.platformMessageID == "1")
            #expect(retaken?.attempts == 2)
            // Not before the one-second lease ran out.
            #expect(ContinuousClock.now - claimedAt.withLock { $0 } >= .milliseconds(500))
            try await survivor.inbox.complete(retaken!.id, reply: nil)
            await survivor.workSource.finished(retaken!)
            let next = await survivor.workSource.next()
            #expect(next?.message.platformMessageID == "2")
            try await survivor.inbox.complete(next!.id, reply: nil)
            await survivor.workSource.finished(next!)
        }
        #expect(try await server.psql("SELECT count(*) FROM heartline_inbox WHERE done_at IS NULL", database: name) == "0")
    }

    @Test func purgeForgetsAUsersAnsweredMessagesButKeepsDedupe() async throws {
        let server = try #require(try await server(), "the gate said PostgreSQL is available")
        let (name, configuration) = try await freshDatabase(on: server)
        let store = makeStore(configuration)
        try await running([store]) {
            let alice = testHasher.hash("local:alice"), bob = testHasher.hash("local:bob")
            var ids: [String] = []
            for i in 0..<3 {
                guard case .accepted(let e) = try await store.inbox.record(message("秘密\(i)", id: "a\(i)"), userHash: alice) else { return }
                ids.append(e.id)
                if i < 2 { try await store.inbox.complete(e.id, reply: Reply(body: "答\(i)", source: .retrieval)) }
            }
            guard case .accepted(let bobs) = try await store.inbox.record(message("别人的", user: "bob", id: "b1"), userHash: bob) else { return }
            try await store.inbox.complete(bobs.id, reply: Reply(body: "答b", source: .retrieval))

            try await store.inbox.purge(alice, keeping: ids[1])
            #expect(try await store.inbox.reply(for: ids[0]) == .some(nil))
            #expect(try await store.inbox.reply(for: ids[1]) == .some(Reply(body: "答1", source: .retrieval)))
            #expect(try await store.inbox.reply(for: bobs.id) == .some(Reply(body: "答b", source: .retrieval)))
            // Pending work is still answered; a retried message is still a duplicate.
            #expect(try await store.inbox.pending().map(\.id) == [ids[2]])
            #expect(try await store.inbox.record(message("秘密0", id: "a0"), userHash: alice) == .duplicateDone(id: ids[0], reply: nil))
            #expect(try await server.psql("SELECT count(*) FROM heartline_inbox WHERE user_hash = '\(alice.value)' AND done_at IS NOT NULL", database: name) == "1")
            // Answered text is gone from the table.
            #expect(try await server.psql("SELECT count(*) FROM heartline_inbox WHERE done_at IS NOT NULL AND entry IS NOT NULL", database: name) == "0")
        }
    }
}
