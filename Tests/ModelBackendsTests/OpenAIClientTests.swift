import AsyncHTTPClient
import ChatCore
import Foundation
import HummingbirdTesting
import Testing
@testable import ModelBackends

@Suite struct OpenAIClientTests {
    let fake = FakeOpenAI()

    func withModel(chat: Bool = false, key: String? = "sk-test-123", maxResponseBytes: Int = 1 << 20, _ body: @Sendable (OpenAICompletionModel) async throws -> Void) async throws {
        try await fake.application().test(.live) { client in
            let port = try #require(client.port)
            let configuration = OpenAIConfiguration(
                baseURL: "http://127.0.0.1:\(port)", apiKey: key, model: "ft:gpt-4.1-mini-2025-04-14:org:heartline:abc", chat: chat,
                maxTokens: 256, temperature: 0.5, maxRetries: 2, maxResponseBytes: maxResponseBytes
            )
            try await body(OpenAICompletionModel(client: OpenAIClient(httpClient: .shared, configuration: configuration), format: .standard))
        }
    }

    func request(_ question: String = "最近总是失眠", budget: Duration = .seconds(60)) -> CompletionRequest {
        CompletionRequest(
            question: question, history: [], prompt: PromptFormat.standard.prompt(question: question),
            userHash: UserHash("abcdef0123456789"), language: .zh, deadline: .now + budget
        )
    }

    @Test func completionSendsTheRecipeRequestAndCleansTheAnswer() async throws {
        fake.script([.completion(" \\u5148\\u8bd5\\u8bd5\\u56fa\\u5b9a\\u8d77\\u5e8a\\u65f6\\u95f4\\u3002 [END]")])
        try await withModel { model in
            let completion = try await model.complete(request())
            #expect(completion.text == "先试试固定起床时间。")
            #expect(completion.origin == .primary)
        }
        let sent = try #require(fake.requests.first)
        #expect(sent.path == "/v1/completions")
        #expect(sent.authorization == "Bearer sk-test-123")
        #expect(sent.json["max_tokens"] == "256")
        #expect(sent.json["model"] == "ft:gpt-4.1-mini-2025-04-14:org:heartline:abc")
        #expect(sent.json["user"] == "abcdef0123456789")
        #expect(sent.raw.contains(#""stop":[" [END]"]"#))
        #expect(sent.raw.contains("最近总是失眠\\n\\n###\\n\\n"))
    }

    @Test func chatModelsUseChatCompletions() async throws {
        fake.script([.chat("你好，我在。")])
        try await withModel(chat: true) { model in
            let answer = try await model.complete(request()).text
            #expect(answer == "你好，我在。")
        }
        #expect(fake.requests.first?.path == "/v1/chat/completions")
        #expect(fake.requests.first?.raw.contains(#""role":"user""#) == true)
    }

    @Test func wrongKeyIsUnauthorizedAndNotRetried() async throws {
        try await withModel(key: "sk-wrong") { model in
            await #expect(throws: ModelError.unauthorized) { try await model.complete(request()) }
        }
        #expect(fake.requests.count == 1)
    }

    @Test func unknownModelIsNotFoundAndNotRetried() async throws {
        fake.script([.status(404, body: #"{"error":{"message":"The model `x` does not exist","type":"invalid_request_error","param":null,"code":"model_not_found"}}"#)])
        try await withModel { model in
            await #expect(throws: ModelError.notFound("model_not_found")) { try await model.complete(request()) }
        }
        #expect(fake.requests.count == 1)
    }

    @Test func flatVLLMErrorBodiesAreUnderstood() async throws {
        fake.script([.status(404, body: #"{"object":"error","message":"The model `model` does not exist.","type":"NotFoundError","param":null,"code":404}"#)])
        try await withModel { model in
            await #expect(throws: ModelError.notFound("404")) { try await model.complete(request()) }
        }
    }

    @Test func rateLimitHonoursRetryAfterThenSucceeds() async throws {
        fake.script([
            .status(429, body: #"{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}"#, headers: ["retry-after-ms": "30"]),
            .completion(" 第二次成功 [END]"),
        ])
        try await withModel { model in
            let answer = try await model.complete(request()).text
            #expect(answer == "第二次成功")
        }
        #expect(fake.requests.count == 2)
    }

    @Test func insufficientQuotaIsNeverRetried() async throws {
        fake.script([.status(429, body: #"{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}"#, headers: ["retry-after-ms": "10"])])
        try await withModel { model in
            await #expect(throws: ModelError.quotaExceeded) { try await model.complete(request()) }
        }
        #expect(fake.requests.count == 1)
    }

    @Test func serverErrorThenSuccess() async throws {
        fake.script([.status(500, body: #"{"error":{"message":"server error","type":"server_error","param":null,"code":null}}"#, headers: ["retry-after-ms": "10"]), .completion(" 恢复了 [END]")])
        try await withModel { model in
            let answer = try await model.complete(request()).text
            #expect(answer == "恢复了")
        }
        #expect(fake.requests.count == 2)
    }

    @Test func retriesStopAfterTwo() async throws {
        let error = FakeOpenAI.Step.status(503, body: #"{"error":{"message":"overloaded","type":"server_error","param":null,"code":null}}"#, headers: ["retry-after-ms": "5"])
        fake.script([error, error, error, .completion("never")])
        try await withModel { model in
            await #expect(throws: ModelError.server(status: 503)) { try await model.complete(request()) }
        }
        #expect(fake.requests.count == 3)
    }

    @Test func slowServerTimesOutAtTheDeadline() async throws {
        fake.script([.slow(.seconds(3), then: "late")])
        try await withModel { model in
            await #expect(throws: ModelError.timeout) { try await model.complete(request(budget: .milliseconds(300))) }
        }
    }

    @Test func garbageAndOversizedBodiesAreInvalidResponses() async throws {
        fake.script([.garbage, .oversized(bytes: 4096)])
        try await withModel(maxResponseBytes: 1024) { model in
            await #expect(throws: ModelError.invalidResponse("body is not the expected JSON (28 bytes)")) { try await model.complete(request()) }
            await #expect(throws: ModelError.invalidResponse("too large")) { try await model.complete(request()) }
        }
    }

    @Test func baseURLWithOrWithoutV1() {
        #expect(OpenAIConfiguration(baseURL: "https://api.openai.com/v1").url("/completions") == "https://api.openai.com/v1/completions")
        #expect(OpenAIConfiguration(baseURL: "http://127.0.0.1:8000/").url("/completions") == "http://127.0.0.1:8000/v1/completions")
    }

    @Test func retryPolicyFollowsTheSDK() {
        let policy = RetryPolicy(maxRetries: 2)
        #expect(policy.decide(status: 400, errorIsQuota: false, headers: [:], attempt: 0) == .stop)
        #expect(policy.decide(status: 429, errorIsQuota: true, headers: [:], attempt: 0) == .stop)
        #expect(policy.decide(status: 429, errorIsQuota: false, headers: ["retry-after": "2"], attempt: 0) == .retry(after: .seconds(2)))
        #expect(policy.decide(status: 429, errorIsQuota: false, headers: ["retry-after": "600"], attempt: 0) == .stop)
        #expect(policy.decide(status: 500, errorIsQuota: false, headers: [:], attempt: 1, jitter: 1) == .retry(after: .seconds(1)))
        #expect(policy.decide(status: 500, errorIsQuota: false, headers: [:], attempt: 2) == .stop)
        #expect(policy.decide(status: 400, errorIsQuota: false, headers: ["x-should-retry": "true"], attempt: 0, jitter: 1) == .retry(after: .milliseconds(500)))
        #expect(policy.decide(status: 500, errorIsQuota: false, headers: ["x-should-retry": "false"], attempt: 0) == .stop)
    }
}
