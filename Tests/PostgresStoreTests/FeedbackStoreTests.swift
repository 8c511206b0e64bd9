import ChatCore
import Foundation
import PostgresStore
import PostgresTestSupport
import Storage
import Testing

/// The PostgreSQL feedback store keeps the port's promises, like the embedded one, and the
/// report's one-shot read sees what the pool wrote.
@Suite(.enabled(if: PostgresTestServer.isAvailable, Comment(rawValue: PostgresTestServer.unavailableReason ?? "")), .timeLimit(.minutes(2))) struct FeedbackStoreTests {
    let answered = Date(timeIntervalSince1970: 1_800_000_000)

    func vote(_ user: UserHash, _ reply: String, _ vote: AnswerFeedback.Vote, _ reason: AnswerFeedback.Reason? = nil, at offset: TimeInterval = 60) -> AnswerFeedback {
        AnswerFeedback(
            user: user, replyKey: reply, vote: vote, reason: reason,
            answer: RatedAnswer(source: .retrieval, tier: .concern, channel: .miniprogram, answerID: "insomnia#1", intent: "insomnia", category: "失眠", answeredAt: answered),
            votedAt: answered.addingTimeInterval(offset)
        )
    }

    @Test func votesAreReplacedCountedAndForgotten() async throws {
        let server = try #require(try await server(), "the gate said PostgreSQL is available")
        let (_, configuration) = try await freshDatabase(on: server)
        let alice = testHasher.hash("miniprogram:wx1:oAlice")
        let bob = testHasher.hash("miniprogram:wx1:oBob")
        let store = makeStore(configuration)
        try await running([store]) {
            try await store.feedback.record(vote(alice, "r1", .up))
            try await store.feedback.record(vote(alice, "r1", .down, .unsafe, at: 120))
            try await store.feedback.record(vote(bob, "r1", .up))
            let tallies = try await store.feedback.tallies(since: answered).sorted { $0.vote < $1.vote }
            #expect(tallies.map(\.vote) == ["down", "up"] && tallies.map(\.count) == [1, 1])
            #expect(tallies[0].reason == "unsafe" && tallies[0].intent == "insomnia" && tallies[0].category == "失眠" && tallies[0].tier == "concern")
            #expect(try await store.feedback.tallies(since: answered.addingTimeInterval(100)).map(\.vote) == ["down"])
            try await store.feedback.delete(alice)
            #expect(try await store.feedback.tallies(since: .distantPast).map(\.vote) == ["up"])
            // Retention: votes cast before the cutoff go.
            try await store.feedback.record(vote(alice, "r-old", .down, at: -86400))
            #expect(try await store.feedback.prune(votedBefore: answered) == 1)
            #expect(try await store.feedback.prune(votedBefore: answered) == 0)
        }
        let oneShot = try await PostgresStore.feedbackTallies(configuration, since: .distantPast)
        #expect(oneShot.map(\.vote) == ["up"] && oneShot.first?.answerID == "insomnia#1")
    }
}
