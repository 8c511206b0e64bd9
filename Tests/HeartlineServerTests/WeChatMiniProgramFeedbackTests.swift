import ChatCore
import Foundation
import HeartlineServer
import HummingbirdTesting
import HTTPTypes
import NIOCore
import Safety
import Storage
import Testing
import WeChatTestSupport

/// 👍/👎 on the mini-program API: a vote names an answer by its signed `replyId`, is stored with
/// what produced the answer (never text), replaces the user's earlier vote, and bad input gets a
/// clear 4xx.
@Suite struct WeChatMiniProgramFeedbackTests {
    typealias H = WeChatServerHarness
    typealias T = WeChatMiniProgramServerTests

    struct Asked: Decodable {
        var answer: String
        var tier: String
        var source: String
        var replyId: String?
    }

    static func ask(_ client: any TestClientProtocol, token: String, _ question: String, key: String? = nil) async throws -> Asked {
        var body = ["question": question]
        body["idempotencyKey"] = key
        return try await client.execute(
            uri: "/wechat/miniprogram/ask", method: .post, headers: [.contentType: "application/json", .authorization: "Bearer " + token], body: T.json(body)
        ) { response in
            try JSONDecoder().decode(Asked.self, from: Data(response.body.readableBytesView))
        }
    }

    /// Posts a vote; returns the status and the error code (nil on success).
    static func vote(_ client: any TestClientProtocol, token: String?, body: ByteBuffer) async throws -> (Int, String?) {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer " + token }
        return try await client.execute(uri: "/wechat/miniprogram/feedback", method: .post, headers: headers, body: body) { response in
            let code = try? JSONDecoder().decode(T.Failure.self, from: Data(response.body.readableBytesView)).error.code
            return (Int(response.status.code), code)
        }
    }

    static func vote(_ client: any TestClientProtocol, token: String?, _ fields: [String: String]) async throws -> (Int, String?) {
        try await vote(client, token: token, body: T.json(fields))
    }

    @Test func aVoteIsStoredWithTheAnswersOriginAndASecondVoteReplacesIt() async throws {
        let h = try H()
        h.model.answerFromCorpus((answerID: "insomnia_racing_thoughts#2", intent: "insomnia_racing_thoughts", category: "失眠"))
        try await h.run { client async throws in
            let (_, token) = try await T.login(client, code: "c-fay")
            let question = "一躺下脑子就停不下来"
            let answer = try await Self.ask(client, token: token, question, key: "q-1")
            let replyID = try #require(answer.replyId)
            #expect(answer.source == "retrieval")
            // The id carries no text of the question or the answer.
            #expect(!replyID.contains(question))
            #expect(try await Self.vote(client, token: token, ["replyId": replyID, "vote": "up"]) == (200, nil))
            #expect(try await Self.vote(client, token: token, ["replyId": replyID, "vote": "down", "reason": "off_topic"]) == (200, nil))
            // Asking again with the same key returns the same answer; a vote on it is the same vote.
            let again = try await Self.ask(client, token: token, question, key: "q-1")
            #expect(try await Self.vote(client, token: token, ["replyId": try #require(again.replyId), "vote": "down", "reason": "not_helpful"]) == (200, nil))

            let store = try #require(h.stores.last)
            let tallies = try await store.feedback.tallies(since: .distantPast)
            #expect(tallies.count == 1)
            let only = try #require(tallies.first)
            #expect(only.vote == "down" && only.reason == "not_helpful" && only.count == 1)
            #expect(only.source == "retrieval" && only.tier == "none" && only.answerID == "insomnia_racing_thoughts#2")
            #expect(only.intent == "insomnia_racing_thoughts" && only.category == "失眠")
            let report = FeedbackReport(tallies: tallies, since: .distantPast)
            #expect(report.byIntent.first?.key == "insomnia_racing_thoughts" && report.byIntent.first?.down == 1)

            // /forget (the page's "delete my data") deletes the votes too.
            try await client.execute(uri: "/wechat/miniprogram/forget", method: .post, headers: [.authorization: "Bearer " + token]) { response in
                #expect(response.status == .ok)
            }
            #expect(try await store.feedback.tallies(since: .distantPast).isEmpty)
        }
    }

    @Test func badVotesGetClearErrors() async throws {
        let h = try H()
        try await h.run { client async throws in
            let (_, token) = try await T.login(client, code: "c-gus")
            let replyID = try #require(try await Self.ask(client, token: token, "最近压力好大").replyId)
            #expect(try await Self.vote(client, token: nil, ["replyId": replyID, "vote": "up"]) == (401, "invalid_session"))
            #expect(try await Self.vote(client, token: token, ["replyId": replyID, "vote": "meh"]) == (400, "invalid_field"))
            #expect(try await Self.vote(client, token: token, ["replyId": replyID]) == (400, "invalid_field"))
            #expect(try await Self.vote(client, token: token, ["replyId": replyID, "vote": "down", "reason": "boring"]) == (400, "invalid_field"))
            #expect(try await Self.vote(client, token: token, ["replyId": replyID, "vote": "up", "reason": "other"]) == (400, "invalid_field"))
            #expect(try await Self.vote(client, token: token, body: ByteBuffer(string: "{\"replyId\":")) == (400, "invalid_json"))
            let huge = ByteBuffer(string: "{\"replyId\":\"" + String(repeating: "a", count: 4000) + "\",\"vote\":\"up\"}")
            #expect(try await Self.vote(client, token: token, body: huge) == (413, "body_too_large"))

            // Unknown, tampered, or another user's reply ids.
            #expect(try await Self.vote(client, token: token, ["replyId": "r1.e30.AAAA", "vote": "up"]) == (404, "unknown_reply"))
            var tampered = Array(replyID)
            tampered[6] = tampered[6] == "A" ? "B" : "A"
            #expect(try await Self.vote(client, token: token, ["replyId": String(tampered), "vote": "up"]) == (404, "unknown_reply"))
            let (_, other) = try await T.login(client, code: "c-hal")
            #expect(try await Self.vote(client, token: other, ["replyId": replyID, "vote": "down"]) == (404, "unknown_reply"))
            #expect(try await h.stores.last?.feedback.tallies(since: .distantPast).isEmpty == true)

            // An answer older than the voting window can no longer be rated.
            h.clock.advance(by: 31 * 24 * 3600)
            let (_, later) = try await T.login(client, code: "c2-gus")
            #expect(try await Self.vote(client, token: later, ["replyId": replyID, "vote": "up"]) == (404, "unknown_reply"))
        }
    }

    @Test func votesAreRateLimitedPerUser() async throws {
        let h = try H()
        try await h.run { client async throws in
            let (_, token) = try await T.login(client, code: "c-ida")
            let replyID = try #require(try await Self.ask(client, token: token, "睡不着").replyId)
            // 40 at once: 30 a minute per user (a token bucket refilled evenly, so a slow machine
            // may let one or two more through), the rest 429.
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<40 { group.addTask { try await Self.vote(client, token: token, ["replyId": replyID, "vote": "up"]).0 } }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            let accepted = statuses.filter { $0 == 200 }.count
            #expect(accepted >= 30 && accepted < 40, "accepted \(accepted)")
            #expect(statuses.filter { $0 == 429 }.count == 40 - accepted)
        }
    }

    @Test func crisisRepliesCarryNoReplyId() async throws {
        let h = try H(safety: try SafetyLayer.live(configuration: .init()))
        try await h.run { client async throws in
            let (_, token) = try await T.login(client, code: "c-jo")
            let crisis = try await Self.ask(client, token: token, "我不想活了")
            #expect(crisis.tier == "crisis" && crisis.replyId == nil)
            let (_, other) = try await T.login(client, code: "c-kim")
            #expect(try await Self.ask(client, token: other, "考试前睡不好怎么办").replyId != nil)
        }
    }
}
