import AsyncHTTPClient
import ChatCore
import Foundation
import HummingbirdTesting
import Testing
@testable import ModelBackends

/// The health line `ask` and `serve` print, and replies that cannot be text.
@Suite struct OpenAIServerHealthTests {
    let fake = FakeOpenAI()

    func client(port: Int, key: String = "sk-test-123", chat: Bool = true) -> OpenAIClient {
        let configuration = OpenAIConfiguration(baseURL: "http://127.0.0.1:\(port)/v1", apiKey: key, model: "heartline", chat: chat)
        return OpenAIClient(httpClient: .shared, configuration: configuration)
    }

    @Test func healthyServerListsItsModels() async throws {
        try await fake.application().test(.live) { http in
            let port = try #require(http.port)
            let status = await client(port: port).probe(timeout: .seconds(30))
            #expect(status.isHealthy)
            #expect(status.health == .healthy(models: ["heartline"]))
            #expect(status.summary.hasPrefix("model server: http://127.0.0.1:\(port)/v1 · /v1/chat/completions · model heartline · healthy"))
            #expect(!status.summary.contains("sk-test-123"))
            let wrongKey = await client(port: port, key: "sk-wrong").probe(timeout: .seconds(30))
            #expect(wrongKey.health == .unhealthy("GET /v1/models answered HTTP 401: check the API key"))
        }
        #expect(fake.requests.map(\.path) == ["/v1/models", "/v1/models"], "one request each, no retries")
    }

    @Test func downServerIsReportedWithinTheDeadline() async throws {
        let started = ContinuousClock.now
        let status = await client(port: 1).probe(timeout: .seconds(1))
        #expect(!status.isHealthy)
        #expect(status.summary.contains("NOT healthy") && status.summary.contains("retrieval model"))
        // The probe gives up at its 1 s deadline; the bound leaves room for a suite that shares two
        // cores, and still fails a probe that waits for a connect timeout or retries.
        #expect(ContinuousClock.now - started < .seconds(25))
    }

    @Test func repliesThatCannotBeTextFailTheCall() async throws {
        try await fake.application().test(.live) { http in
            let port = try #require(http.port)
            let model = OpenAICompletionModel(client: client(port: port), format: .standard)
            for (garbled, why) in [("好\u{FFFD}好", "replacement character"), ("睡\u{0007}眠", "control characters"), ("<|im_start|>assistant 你好", "chat-template tokens")] {
                fake.script([.chat(garbled)])
                let request = CompletionRequest(
                    question: "睡不着", history: [], prompt: "", userHash: UserHash("abcdef0123456789"), language: .zh, deadline: .now + .seconds(5)
                )
                await #expect(throws: ModelError.invalidResponse(why)) { try await model.complete(request) }
            }
        }
        #expect(ReplySanity.problem(in: "先试试固定起床时间。\n慢慢来。") == nil)
    }
}
