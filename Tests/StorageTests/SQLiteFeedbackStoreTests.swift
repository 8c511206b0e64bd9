import ChatCore
import Foundation
import GRDB
import Testing
@testable import Storage

/// Answer feedback in the embedded store: durable, one vote per user and answer, counted for the
/// report, deleted by `/forget`, and added to an older database by the schema upgrade.
@Suite struct SQLiteFeedbackStoreTests {
    let directory = temporaryDirectory()
    let alice = testHasher.hash("miniprogram:wx1:oAlice")
    let bob = testHasher.hash("miniprogram:wx1:oBob")
    let answered = Date(timeIntervalSince1970: 1_800_000_000)

    func vote(_ user: UserHash, _ reply: String, _ vote: AnswerFeedback.Vote, _ reason: AnswerFeedback.Reason? = nil, answerID: String? = "insomnia#1", at offset: TimeInterval = 60) -> AnswerFeedback {
        AnswerFeedback(
            user: user, replyKey: reply, vote: vote, reason: reason,
            answer: RatedAnswer(source: .retrieval, tier: .none, channel: .miniprogram, answerID: answerID, intent: answerID.map { String($0.split(separator: "#")[0]) }, category: "失眠", answeredAt: answered),
            votedAt: answered.addingTimeInterval(offset)
        )
    }

    @Test func aSecondVoteReplacesTheFirstAndVotesSurviveAReopen() async throws {
        do {
            let store = try openStore(directory)
            try await store.feedback.record(vote(alice, "r1", .up))
            try await store.feedback.record(vote(alice, "r1", .down, .offTopic, at: 120))
            try await store.feedback.record(vote(bob, "r1", .down, .notHelpful))
            try await store.feedback.record(vote(bob, "r2", .up, answerID: "grief#2"))
        }
        let store = try openStore(directory)
        let tallies = try await store.feedback.tallies(since: answered)
        #expect(tallies.reduce(0) { $0 + $1.count } == 3)
        let down = tallies.filter { $0.vote == "down" }.sorted { ($0.reason ?? "") < ($1.reason ?? "") }
        #expect(down.map(\.reason) == ["not_helpful", "off_topic"])
        #expect(down.allSatisfy { $0.answerID == "insomnia#1" && $0.intent == "insomnia" && $0.category == "失眠" && $0.source == "retrieval" && $0.tier == "none" })
        #expect(tallies.first { $0.vote == "up" }?.answerID == "grief#2")
        // Only votes cast since the given time are counted (Alice's replacing vote at +120 s).
        #expect(try await store.feedback.tallies(since: answered.addingTimeInterval(100)).map(\.reason) == ["off_topic"])
        // Nothing but ids, names from the corpus and the vote: no text column exists to hold any.
        let columns = try await store.pool.read { try $0.columns(in: "feedback").map(\.name) }
        #expect(Set(columns) == ["user", "reply", "vote", "reason", "source", "tier", "channel", "answer_id", "intent", "category", "answered_at", "voted_at"])
    }

    @Test func forgetDeletesOnlyThatUsersVotes() async throws {
        let store = try openStore(directory)
        try await store.feedback.record(vote(alice, "r1", .down))
        try await store.feedback.record(vote(bob, "r2", .up))
        try await store.feedback.delete(alice)
        let tallies = try await store.feedback.tallies(since: .distantPast)
        #expect(tallies.map(\.vote) == ["up"])
    }

    @Test func oldVotesArePruned() async throws {
        let store = try openStore(directory)
        try await store.feedback.record(vote(alice, "old", .down, at: 0))
        try await store.feedback.record(vote(alice, "new", .up, at: 3600))
        #expect(try await store.feedback.prune(votedBefore: answered.addingTimeInterval(60)) == 1)
        #expect(try await store.feedback.tallies(since: .distantPast).map(\.vote) == ["up"])
        #expect(try await store.feedback.prune(votedBefore: answered.addingTimeInterval(60)) == 0)
    }

    @Test func aVersionTwoDatabaseGetsTheFeedbackTable() async throws {
        let path = directory + "/" + SQLiteStore.fileName
        do {
            let queue = try DatabaseQueue(path: path)
            try await queue.write { db in
                for statement in StoreSchema.statements + HandoffSchema.statements { try db.execute(sql: statement) }
                try db.execute(sql: "PRAGMA user_version = 2")
            }
        }
        let store = try openStore(directory)
        #expect(try await store.pool.read { try Int.fetchOne($0, sql: "PRAGMA user_version") } == StoreSchema.version)
        try await store.feedback.record(vote(alice, "r1", .up))
        #expect(try await store.feedback.tallies(since: .distantPast).count == 1)
        #expect(try store.check().ok)
    }
}
