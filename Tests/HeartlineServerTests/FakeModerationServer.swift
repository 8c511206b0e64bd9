import Foundation
import Hummingbird
import Logging
import Synchronization

/// A fake OpenAI-compatible server on loopback for the moderation second opinion: `POST
/// /v1/moderations` in the documented wire format (docs/protocols.md §C.10) and a plain
/// `POST /v1/completions` for the remote model. It flags by marker words in the input, so tests
/// say what the service thinks: `MARK_INTENT`, `MARK_INSTRUCTIONS`, `MARK_SELFHARM`.
final class FakeModerationServer: Sendable {
    enum Mode: Sendable {
        case normal
        case status(Int)
        case garbage
        case noResults
        case slow(Duration)
    }

    struct State {
        var mode: Mode = .normal
        var moderated: [String] = []
        var bodies: [[String: String]] = []
        var completion = "先把担心的事写下来，再试着慢慢呼吸。"
    }

    let key = "sk-moderation-test"
    let state = Mutex(State())

    func set(_ mode: Mode) { state.withLock { $0.mode = mode } }
    func answer(with text: String) { state.withLock { $0.completion = text } }
    var moderated: [String] { state.withLock { $0.moderated } }
    var bodies: [[String: String]] { state.withLock { $0.bodies } }

    func run<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "fake-moderation")
        logger.logLevel = .critical
        let app = Application(
            router: router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: logger
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            defer { group.cancelAll() }
            return try await body("http://127.0.0.1:\(port)/v1")
        }
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/v1/moderations") { request, _ -> Response in
            guard request.headers[.authorization] == "Bearer \(self.key)" else {
                return Self.json(401, #"{"error":{"message":"Incorrect API key provided.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#)
            }
            let raw = try await request.body.collect(upTo: 1 << 20)
            guard let object = try? JSONSerialization.jsonObject(with: Data(raw.readableBytesView)) as? [String: Any],
                  let input = object["input"] as? String
            else {
                return Self.json(400, #"{"error":{"message":"We could not parse the JSON body of your request.","type":"invalid_request_error","param":null,"code":null}}"#)
            }
            let mode = self.state.withLock { state -> Mode in
                state.moderated.append(input)
                state.bodies.append(object.mapValues { "\($0)" })
                return state.mode
            }
            switch mode {
            case .normal: break
            case .status(let code): return Self.json(code, #"{"error":{"message":"The server had an error while processing your request.","type":"server_error","param":null,"code":null}}"#)
            case .garbage: return Self.json(200, "<html>upstream went away</html>")
            case .noResults: return Self.json(200, #"{"id":"modr-1","model":"omni-moderation-latest","results":[]}"#)
            case .slow(let wait): try await Task.sleep(for: wait)
            }
            return Self.json(200, Self.result(
                intent: input.contains("MARK_INTENT"), instructions: input.contains("MARK_INSTRUCTIONS"),
                selfHarm: input.contains("MARK_SELFHARM") || input.contains("MARK_INTENT") || input.contains("MARK_INSTRUCTIONS")
            ))
        }
        router.post("/v1/completions") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 1 << 20)
            let text = self.state.withLock { $0.completion }.replacingOccurrences(of: "\"", with: "\\\"")
            return Self.json(200, #"{"id":"cmpl-1","object":"text_completion","created":1,"model":"m","choices":[{"text":" \#(text)","index":0,"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}"#)
        }
        return router
    }

    /// One result in the documented shape: every category as a boolean, its score, and the input
    /// types each score applies to.
    static func result(intent: Bool, instructions: Bool, selfHarm: Bool) -> String {
        let categories = ["harassment", "harassment/threatening", "hate", "hate/threatening", "illicit", "illicit/violent",
                          "self-harm", "self-harm/instructions", "self-harm/intent", "sexual", "sexual/minors", "violence", "violence/graphic"]
        let flags: [String: Bool] = ["self-harm": selfHarm, "self-harm/intent": intent, "self-harm/instructions": instructions]
        let flagged = flags.values.contains(true)
        let bools = categories.map { "\"\($0)\":\(flags[$0] ?? false)" }.joined(separator: ",")
        let scores = categories.map { "\"\($0)\":\(flags[$0] == true ? "0.91" : "0.0004")" }.joined(separator: ",")
        let types = categories.map { "\"\($0)\":[\"text\"]" }.joined(separator: ",")
        return #"{"id":"modr-5558","model":"omni-moderation-2024-09-26","results":[{"flagged":\#(flagged),"categories":{\#(bools)},"category_scores":{\#(scores)},"category_applied_input_types":{\#(types)}}]}"#
    }

    static func json(_ status: Int, _ body: String) -> Response {
        Response(status: .init(code: status), headers: [.contentType: "application/json"], body: .init(byteBuffer: .init(string: body)))
    }
}
