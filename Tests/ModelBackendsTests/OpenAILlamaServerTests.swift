import AsyncHTTPClient
import ChatCore
import Foundation
import HeartlineTestSupport
import Synchronization
import Testing
@testable import ModelBackends

/// The OpenAI client, the health check and the fallback chain against a REAL OpenAI-compatible
/// server: llama.cpp's `llama-server` with the tiny random model that
/// `bench/llama-server/run.sh --install` builds. It writes garbage; what is tested is that every
/// answer is valid text (or a calm fallback), never a crash. Skipped when the binary or the model
/// is absent: set HEARTLINE_LLAMA_SERVER and HEARTLINE_TINY_GGUF, or run the script first.
@Suite("llama-server (real OpenAI-compatible server)", .serialized)
struct OpenAILlamaServerTests {
    static let work = ProcessInfo.processInfo.environment["HEARTLINE_LLAMA_WORK"] ?? (NSTemporaryDirectory() + "heartline-llama-server")

    static let serverPath: String? = {
        let environment = ProcessInfo.processInfo.environment
        let candidates = [environment["HEARTLINE_LLAMA_SERVER"], work + "/llama-server", "/usr/bin/llama-server", "/usr/local/bin/llama-server"]
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    static let modelPath: String? = {
        let path = ProcessInfo.processInfo.environment["HEARTLINE_TINY_GGUF"] ?? (work + "/tiny.gguf")
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }()

    static var available: Bool { serverPath != nil && modelPath != nil }

    /// Starts llama-server on a free loopback port for `body` and stops it afterwards.
    func withServer(_ body: (Int) async throws -> Void) async throws {
        let server = try #require(Self.serverPath)
        let model = try #require(Self.modelPath)
        let port = Int.random(in: 20_000..<60_000)
        let process = try await ChildProcess(
            server, ["-m", model, "--alias", "tiny", "--host", "127.0.0.1", "--port", "\(port)", "-c", "1024", "-t", "1", "-np", "1"]
        )
        do {
            // Ready when GET /v1/models answers (llama-server answers 503 while it loads the model).
            let ready = await eventually(timeout: .seconds(90), every: .milliseconds(200)) {
                await client(port: port, chat: true).probe(timeout: .seconds(1)).isHealthy
            }
            try #require(ready, "llama-server did not become ready: \(process.errors.suffix(5))")
            try await body(port)
        } catch {
            await process.stop(timeout: .seconds(5))
            throw error
        }
        await process.stop(timeout: .seconds(5))
    }

    func client(port: Int, chat: Bool) -> OpenAIClient {
        let configuration = OpenAIConfiguration(baseURL: "http://127.0.0.1:\(port)/v1", model: "tiny", chat: chat, maxTokens: 48, maxRetries: 0)
        return OpenAIClient(httpClient: .shared, configuration: configuration)
    }

    func request(_ question: String) -> CompletionRequest {
        CompletionRequest(
            question: question, history: [], prompt: PromptFormat.standard.prompt(question: question),
            userHash: UserHash("abcdef0123456789"), language: .zh, deadline: .now + .seconds(20)
        )
    }

    @Test("health check, chat and completions through the fallback chain, with and without streaming", .enabled(if: OpenAILlamaServerTests.available, "needs llama-server and the tiny model: bench/llama-server/run.sh --install"))
    func realServer() async throws {
        try await withServer { port in
            let status = await client(port: port, chat: true).probe()
            #expect(status.isHealthy, "\(status.summary)")
            for chat in [true, false] {
                let primary = OpenAICompletionModel(client: client(port: port, chat: chat), format: .standard)
                let events = LlamaEventLog()
                let chain = FallbackChain(primary: primary, secondary: nil, onEvent: { events.append($0) })
                for question in ["我最近总是失眠，躺在床上脑子停不下来，怎么办", "hello"] {
                    let completion = try await chain.complete(request(question))
                    #expect(!completion.text.isEmpty)
                    #expect(!completion.text.unicodeScalars.contains("\u{FFFD}"), "garbled text never reaches the user")
                    #expect(completion.origin == .primary || completion.origin == .fixed)
                    // Streamed (llama-server's real SSE): every draft is valid text too.
                    let drafts = Mutex<[String]>([])
                    let streamed = try await chain.stream(request(question)) { draft in drafts.withLock { $0.append(draft) } }
                    #expect(!streamed.text.isEmpty)
                    #expect(drafts.withLock { $0 }.allSatisfy { !$0.unicodeScalars.contains("\u{FFFD}") })
                    if streamed.origin == .primary { #expect(drafts.withLock { $0.last } == streamed.text) }
                }
                // Either the model answered or a readable reason made the chain fall back; never a transport error.
                for case .failed(_, let kind, _) in events.all { #expect(kind == "invalid_response", "chat=\(chat): \(kind)") }
            }
        }
    }
}

/// Collects fallback-chain events from concurrent callbacks.
final class LlamaEventLog: Sendable {
    private let events = Mutex<[ModelEvent]>([])
    func append(_ event: ModelEvent) { events.withLock { $0.append(event) } }
    var all: [ModelEvent] { events.withLock { $0 } }
}
