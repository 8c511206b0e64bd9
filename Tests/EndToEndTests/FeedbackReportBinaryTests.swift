import ChatCore
import Foundation
import HeartlineTestSupport
import PostgresTestSupport
import Storage
import Testing

/// `heartline feedback report` through the real binary, on the embedded store and on PostgreSQL.
@Suite(.timeLimit(.minutes(2))) struct FeedbackReportBinaryTests {
    static func votes(now: Date) -> [AnswerFeedback] {
        let hasher = HMACUserKeyHasher(key: Array(repeating: 3, count: 32))
        func vote(_ user: String, _ answer: String?, _ source: Reply.Source, _ vote: AnswerFeedback.Vote, _ reason: AnswerFeedback.Reason? = nil, daysAgo: Double = 1) -> AnswerFeedback {
            AnswerFeedback(
                user: hasher.hash("miniprogram:wx:" + user), replyKey: "reply-" + user + (answer ?? "model"), vote: vote, reason: reason,
                answer: RatedAnswer(
                    source: source, tier: .none, channel: .miniprogram, answerID: answer, intent: answer.map { String($0.split(separator: "#")[0]) },
                    category: answer == nil ? nil : "失眠", answeredAt: now.addingTimeInterval(-daysAgo * 86400)
                ),
                votedAt: now.addingTimeInterval(-daysAgo * 86400)
            )
        }
        return [
            vote("a", "sleep_worry#1", .retrieval, .down, .offTopic),
            vote("b", "sleep_worry#1", .retrieval, .down, .offTopic),
            vote("c", "sleep_worry#1", .retrieval, .up),
            vote("a", "sleep_noise#2", .retrieval, .up),
            vote("d", nil, .model, .down, .unsafe),
            // Older than --since 7: left out.
            vote("e", "sleep_noise#2", .retrieval, .down, .other, daysAgo: 20),
        ]
    }

    @Test func reportsTheEmbeddedStore() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let store = try SQLiteStore(dataDirectory: directory, hasher: HMACUserKeyHasher(key: Array(repeating: 3, count: 32)))
            for vote in Self.votes(now: Date()) { try await store.feedback.record(vote) }
        }
        let text = try await run(["feedback", "report", "--data-dir", directory, "--since", "7"], directory: directory)
        #expect(text.status == 0, "\(text.output)")
        #expect(text.output.contains("votes: 5  up: 2  down: 3"))
        #expect(text.output.contains("sleep_worry#1"))
        #expect(text.output.contains("off_topic"))

        let json = try await run(["feedback", "report", "--data-dir", directory, "--since", "7", "--json"], directory: directory)
        #expect(json.status == 0)
        struct Report: Decodable {
            struct Group: Decodable { var key: String; var up: Int; var down: Int }
            var votes: Int
            var byAnswer: [Group]
            var bySource: [Group]
        }
        let start = try #require(json.output.firstIndex(of: "{"))
        let report = try JSONDecoder().decode(Report.self, from: Data(json.output[start...].utf8))
        #expect(report.votes == 5)
        #expect(report.byAnswer.first?.key == "sleep_worry#1" && report.byAnswer.first?.down == 2)
        #expect(Set(report.bySource.map(\.key)) == ["retrieval", "model"])

        let bad = try await run(["feedback", "report", "--data-dir", directory, "--since", "0"], directory: directory)
        #expect(bad.status != 0 && bad.output.contains("--since"))
    }

    @Test(.enabled(if: PostgresTestServer.isAvailable, Comment(rawValue: PostgresTestServer.unavailableReason ?? "")))
    func reportsPostgreSQL() async throws {
        let server = try #require(try await PostgresTestServer.shared(), "the gate said PostgreSQL is available")
        let database = PostgresTestServer.databaseName()
        let url = try await server.createDatabase(database)
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Before the schema has the table, the report says what to do.
        let early = try await run(["feedback", "report", "--data-dir", directory], directory: directory, url: url)
        #expect(early.status != 0 && early.output.contains("heartline store migrate"), "\(early.output)")
        #expect(try await run(["store", "migrate", "--data-dir", directory], directory: directory, url: url).status == 0)
        try await server.psql(
            """
            INSERT INTO heartline_feedback (user_hash, reply_key, vote, reason, source, tier, channel, answer_id, intent, category, answered_at, voted_at)
            VALUES ('u1', 'r1', 'down', 'not_helpful', 'retrieval', 'none', 'miniprogram', 'grief#1', 'grief', '丧亲', now(), now()),
                   ('u2', 'r1', 'up', NULL, 'retrieval', 'none', 'miniprogram', 'grief#1', 'grief', '丧亲', now(), now())
            """,
            database: database
        )
        let text = try await run(["feedback", "report", "--data-dir", directory], directory: directory, url: url)
        #expect(text.status == 0, "\(text.output)")
        #expect(text.output.contains("votes: 2  up: 1  down: 1"))
        #expect(text.output.contains("grief#1") && text.output.contains("not_helpful"))
    }

    private func run(_ arguments: [String], directory: String, url: String? = nil) async throws -> (status: Int32, output: String) {
        let environment = url.map { ["HEARTLINE_STORE": $0] } ?? [:]
        let result = try await runCommand(Binaries.heartline, arguments, environment: environment, directory: directory, timeout: .seconds(60))
        return (result.status, result.stdout + result.stderr)
    }
}
