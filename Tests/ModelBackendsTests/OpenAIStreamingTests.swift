import AsyncHTTPClient
import ChatCore
import Foundation
import HummingbirdTesting
import Synchronization
import Testing
@testable import ModelBackends

/// Streaming against a hostile fake server: every cut of the byte stream, keep-alives, error
/// events, truncation, invalid UTF-8, huge events, stalls, servers that ignore `stream`.
@Suite struct OpenAIStreamingTests {
    let fake = FakeOpenAI()

    func withModel(chat: Bool = true, maxRetries: Int = 2, _ body: @Sendable (OpenAICompletionModel) async throws -> Void) async throws {
        try await fake.application().test(.live) { client in
            let port = try #require(client.port)
            let configuration = OpenAIConfiguration(
                baseURL: "http://127.0.0.1:\(port)", apiKey: "sk-test-123", model: "qwen2.5-7b-instruct", chat: chat,
                maxTokens: 256, maxRetries: maxRetries
            )
            try await body(OpenAICompletionModel(client: OpenAIClient(httpClient: .shared, configuration: configuration), format: .standard))
        }
    }

    func request(budget: Duration = .seconds(5)) -> CompletionRequest {
        CompletionRequest(
            question: "最近总是失眠", history: [], prompt: PromptFormat.standard.prompt(question: "最近总是失眠"),
            userHash: UserHash("abcdef0123456789"), language: .zh, deadline: .now + budget
        )
    }

    /// Streams and collects the drafts.
    func stream(_ model: OpenAICompletionModel, budget: Duration = .seconds(5)) async throws -> (Completion, [String]) {
        let drafts = Mutex<[String]>([])
        let completion = try await model.stream(request(budget: budget)) { draft in drafts.withLock { $0.append(draft) } }
        return (completion, drafts.withLock { $0 })
    }

    @Test func chatStreamHandsOutGrowingDrafts() async throws {
        fake.script([.stream(FakeOpenAI.chatEvents(["先试试", "固定起床时间。", "睡前少看手机。"]), pause: .milliseconds(20))])
        try await withModel { model in
            let (completion, drafts) = try await stream(model)
            #expect(completion.text == "先试试固定起床时间。睡前少看手机。")
            #expect(drafts == ["先试试", "先试试固定起床时间。", "先试试固定起床时间。睡前少看手机。"])
        }
        let sent = try #require(fake.requests.first)
        #expect(sent.path == "/v1/chat/completions")
        #expect(sent.raw.contains(#""stream":true"#))
    }

    @Test func completionStreamCutsTheStopSequenceAndDecodesEscapes() async throws {
        fake.script([.stream(FakeOpenAI.completionEvents([" \\u5148\\u8bd5", "试。 [EN", "D]"]))])
        try await withModel(chat: false) { model in
            let (completion, drafts) = try await stream(model)
            #expect(completion.text == "先试试。")
            #expect(drafts.allSatisfy { !$0.contains("[END]") })
        }
        #expect(fake.requests.first?.path == "/v1/completions")
    }

    @Test func everyByteInItsOwnChunkWithKeepAlivesAndCRLF() async throws {
        let text = String(decoding: FakeOpenAI.chatEvents(["你好，", "我在。🌱"]).joined(), as: UTF8.self)
        let bytes = Array((": ping\n\n" + text.replacingOccurrences(of: "\n", with: "\r\n")).utf8)
        fake.script([.stream(bytes.map { [$0] })])
        try await withModel { model in
            let (completion, drafts) = try await stream(model)
            #expect(completion.text == "你好，我在。🌱")
            #expect(drafts.last == "你好，我在。🌱")
            #expect(drafts.allSatisfy { !$0.contains("\u{FFFD}") })
        }
    }

    @Test func serverThatIgnoresStreamIsReadAsOneDraft() async throws {
        fake.script([.chat("你好，我在。")])
        try await withModel { model in
            let (completion, drafts) = try await stream(model)
            #expect(completion.text == "你好，我在。")
            #expect(drafts == ["你好，我在。"])
        }
    }

    @Test func failureBeforeAnyTextIsRetriedLikeTheOrdinaryPath() async throws {
        fake.script([
            .status(429, body: #"{"error":{"message":"slow down","type":"requests","code":"rate_limit_exceeded"}}"#, headers: ["retry-after-ms": "10"]),
            .stream(FakeOpenAI.chatEvents([]).prefix(1).map { $0 }, abort: true),
            .stream(FakeOpenAI.chatEvents(["好的。"])),
        ])
        try await withModel { model in
            // A generous budget: three attempts with a back-off must fit even in a starved suite.
            let (completion, _) = try await stream(model, budget: .seconds(30))
            #expect(completion.text == "好的。")
        }
        #expect(fake.requests.count == 3)
    }

    @Test func nothingIsRetriedOnceTextWasHandedOut() async throws {
        let error = Array(#"data: {"error":{"message":"overloaded","type":"server_error","code":null}}"#.utf8) + [10, 10]
        fake.script([.stream(FakeOpenAI.chatEvents(["第一句。"], done: false) + [error]), .stream(FakeOpenAI.chatEvents(["另一个回答。"]))])
        try await withModel { model in
            await #expect(throws: ModelError.server(status: 500)) { try await stream(model) }
        }
        #expect(fake.requests.count == 1)
    }

    @Test func truncatedStreamsFail() async throws {
        // Ends cleanly but without [DONE] or a finish reason; then a dropped connection.
        fake.script([
            .stream(FakeOpenAI.chatEvents(["说到一半"], done: false)),
            .stream(FakeOpenAI.chatEvents(["说到一半"], done: false), abort: true),
        ])
        try await withModel { model in
            await #expect(throws: ModelError.invalidResponse("stream ended before the answer did")) { try await stream(model) }
            await #expect(throws: ModelError.self) { try await stream(model) }
        }
        #expect(fake.requests.count == 2)
    }

    @Test func invalidUTF8AndHugeEventsAreRefused() async throws {
        let invalid: [UInt8] = Array(#"data: {"choices":[{"index":0,"delta":{"content":"ab"#.utf8) + [0xE4, 0xBD] + Array(#""}}]}"#.utf8) + [10, 10]
        let huge = Array("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"".utf8) + Array(repeating: UInt8(ascii: "x"), count: 300_000)
        fake.script([.stream([invalid]), .stream([huge])])
        try await withModel(maxRetries: 0) { model in
            await #expect(throws: ModelError.invalidResponse("stream is not UTF-8")) { try await stream(model) }
            await #expect(throws: ModelError.invalidResponse("too large")) { try await stream(model) }
        }
    }

    @Test func aStallPastTheDeadlineTimesOut() async throws {
        fake.script([.stream(FakeOpenAI.chatEvents(["先", "别急。"]), pause: .seconds(8))])
        try await withModel { model in
            let started = ContinuousClock.now
            await #expect(throws: ModelError.timeout) { try await stream(model, budget: .milliseconds(800)) }
            // Well before the server's next event (8 s), with room for a full suite on two cores.
            #expect(ContinuousClock.now - started < .seconds(6))
        }
    }

    @Test func cancellationStopsTheStreamPromptly() async throws {
        fake.script([.stream(FakeOpenAI.chatEvents(["先", "别急。", "慢慢来。"]), pause: .seconds(8))])
        try await withModel { model in
            let started = ContinuousClock.now
            let threw = await withTaskGroup(of: Bool.self) { group in
                group.addTask {
                    do {
                        _ = try await model.stream(request(budget: .seconds(30))) { _ in }
                        return false
                    } catch {
                        return true
                    }
                }
                try? await Task.sleep(for: .milliseconds(300))
                group.cancelAll()
                return await group.next() ?? false
            }
            #expect(threw)
            // The whole stream would take 24 s; with room for a full suite on two cores.
            #expect(ContinuousClock.now - started < .seconds(6))
        }
    }

    @Test func chatTemplateTokensEndTheStreamBeforeTheyAreDrafted() async throws {
        fake.script([.stream(FakeOpenAI.chatEvents(["好的。", "<|im_", "end|>"]))])
        try await withModel { model in
            let drafts = Mutex<[String]>([])
            await #expect(throws: ModelError.invalidResponse("chat-template tokens")) {
                try await model.stream(request()) { draft in drafts.withLock { $0.append(draft) } }
            }
            #expect(drafts.withLock { $0 }.allSatisfy { !$0.contains("<|im_end|>") })
        }
    }

    struct Enough: Error {}

    @Test func anErrorFromTheCallerStopsTheStreamUnchanged() async throws {
        fake.script([.stream(FakeOpenAI.chatEvents(["一。", "二。", "三。"]), pause: .milliseconds(50))])
        try await withModel { model in
            let drafts = Mutex(0)
            await #expect(throws: Enough.self) {
                try await model.stream(request()) { _ in
                    if drafts.withLock({ $0 += 1; return $0 }) == 2 { throw Enough() }
                }
            }
            #expect(drafts.withLock { $0 } == 2)
        }
        #expect(fake.requests.count == 1)
    }
}
