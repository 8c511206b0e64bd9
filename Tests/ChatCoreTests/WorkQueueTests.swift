import Foundation
import Synchronization
import Testing
@testable import ChatCore

@Suite struct WorkQueueTests {
    func entry(_ user: String, _ n: Int) -> InboxEntry {
        InboxEntry(id: "\(user)-\(n)", userHash: UserHash(user), message: message("\(n)", user: user), recordedAt: Date())
    }

    @Test func oneUserAtATimeInOrder() async throws {
        let queue = WorkQueue(capacity: 100)
        for i in 0..<3 { try await queue.enqueue(entry("a", i)) }
        try await queue.enqueue(entry("b", 0))
        let first = await queue.next()
        let second = await queue.next()
        #expect(first?.id == "a-0")
        // a is busy, so b comes next even though a has more queued.
        #expect(second?.id == "b-0")
        #expect(await queue.depth() == 2)
        await queue.finished(try #require(first))
        #expect(await queue.next()?.id == "a-1")
    }

    @Test func refusesWhenFullUnlessForced() async throws {
        let queue = WorkQueue(capacity: 2)
        try await queue.enqueue(entry("a", 0))
        try await queue.enqueue(entry("b", 0))
        #expect(await queue.hasRoom() == false)
        await #expect(throws: WorkQueue.EnqueueError.full) { try await queue.enqueue(entry("c", 0)) }
        try await queue.enqueue(entry("c", 0), force: true)
        #expect(await queue.depth() == 3)
        // The same entry is never queued twice.
        try await queue.enqueue(entry("c", 0), force: true)
        #expect(await queue.depth() == 3)
    }

    @Test func closeDrainsThenEnds() async throws {
        let queue = WorkQueue(capacity: 10)
        try await queue.enqueue(entry("a", 0))
        await queue.close()
        await #expect(throws: WorkQueue.EnqueueError.closed) { try await queue.enqueue(entry("b", 0)) }
        let drained = await queue.next()
        #expect(drained?.id == "a-0")
        await queue.finished(try #require(drained))
        #expect(await queue.next() == nil)
    }
}

@Suite struct PipelineWorkersTests {
    /// Runs workers over `messages` and returns when all are answered.
    func run(_ messages: [InboundMessage], model: ScriptedModel, concurrency: Int = 8, messengers: [ChatChannel: any Messenger] = [:]) async throws -> MemoryInbox {
        let inbox = MemoryInbox()
        let queue = WorkQueue(capacity: 1000)
        let pipeline = ConversationPipeline(sessions: MemorySessionStore(), inbox: inbox, model: model, safety: KeywordSafety())
        let workers = PipelineWorkers(queue: queue, waiters: ReplyWaiters(), pipeline: pipeline, inbox: inbox, messengers: messengers, concurrency: concurrency)
        for m in messages {
            if case .accepted(let e) = try await inbox.record(m, userHash: PlainHasher().hash(m.userKey)) { try await queue.enqueue(e) }
        }
        await queue.close()
        await workers.run()
        return inbox
    }

    @Test func answersEachUserInOrderAndNeverTwoAtOnce() async throws {
        let inFlight = Mutex<[String: Int]>([:])
        let overlap = Mutex(false)
        let order = Mutex<[String: [String]]>([:])
        let model = ScriptedModel { request in
            let user = request.userHash.value
            inFlight.withLock { all in
                all[user, default: 0] += 1
                if all[user]! > 1 { overlap.withLock { $0 = true } }
            }
            try await Task.sleep(for: .milliseconds(2))
            order.withLock { $0[user, default: []].append(request.question) }
            inFlight.withLock { $0[user]! -= 1 }
            return Completion(text: "ok", model: "m", origin: .primary)
        }
        var messages: [InboundMessage] = []
        for i in 0..<10 {
            for user in ["a", "b", "c"] { messages.append(message("\(user)\(i)", user: user, id: "\(user)-\(i)")) }
        }
        let inbox = try await run(messages, model: model)
        #expect(!overlap.withLock { $0 })
        for user in ["a", "b", "c"] {
            #expect(order.withLock { $0[PlainHasher().hash("local:" + user).value] } == (0..<10).map { "\(user)\($0)" })
        }
        #expect(try await inbox.pending().isEmpty)
    }

    @Test func differentUsersAreAnsweredInParallel() async throws {
        // Every call waits until five different users are inside the model at the same time; a
        // serial worker would never get there and the test would fail at its deadline.
        let arrived = Mutex(Set<String>())
        let model = ScriptedModel { request in
            arrived.withLock { _ = $0.insert(request.userHash.value) }
            let deadline = ContinuousClock.now + .seconds(10)
            while arrived.withLock({ $0.count }) < 5, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(1))
            }
            return Completion(text: arrived.withLock { $0.count } >= 5 ? "together" : "alone", model: "m", origin: .primary)
        }
        let messages = (0..<5).map { message("q", user: "user\($0)", id: "p\($0)") }
        let inbox = try await run(messages, model: model, concurrency: 5)
        let bodies = inbox.entries.withLock { $0.values.compactMap { $0.1?.body } }
        #expect(bodies.count == 5 && bodies.allSatisfy { $0 == "together" })
    }

    @Test func deliversThroughTheChannelMessenger() async throws {
        let messenger = RecordingMessenger()
        let msg = InboundMessage(channel: .telegram, userKey: "telegram:b:1", chatKey: "1", platformMessageID: "b:1", text: "问题", receivedAt: Date())
        _ = try await run([msg], model: ScriptedModel(), messengers: [.telegram: messenger])
        #expect(messenger.delivered.withLock { $0.map(\.body) } == ["回答：问题"])
    }
}

final class RecordingMessenger: Messenger, Sendable {
    let delivered = Mutex<[Reply]>([])
    func deliver(_ reply: Reply, for message: InboundMessage) async throws {
        delivered.withLock { $0.append(reply) }
    }
}
