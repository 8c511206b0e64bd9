import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization

/// A fake OpenAI-compatible server speaking the wire format of docs/protocols.md C.2–C.5: it checks the
/// bearer key and JSON body like the real API, records requests, and answers from a script.
final class FakeOpenAI: Sendable {
    struct Recorded: Sendable {
        var path: String
        var authorization: String?
        var json: [String: String]
        var raw: String
    }

    enum Step: Sendable {
        case completion(String)
        case chat(String)
        case status(Int, body: String, headers: [String: String] = [:])
        case slow(Duration, then: String)
        case garbage
        case oversized(bytes: Int)
        /// A `text/event-stream` answer written as these byte chunks, `pause` apart; `abort` drops
        /// the connection after the last chunk instead of ending the body.
        case stream([[UInt8]], pause: Duration = .zero, abort: Bool = false)
    }

    struct Aborted: Error {}

    /// SSE chunks of a chat stream: the role chunk, one chunk per piece, the finish chunk, `[DONE]`.
    static func chatEvents(_ pieces: [String], done: Bool = true) -> [[UInt8]] {
        var events = [#"data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"# + "\n\n"]
        for piece in pieces {
            events.append(#"data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"\#(escape(piece))"},"finish_reason":null}]}"# + "\n\n")
        }
        if done {
            events.append(#"data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"# + "\n\n")
            events.append("data: [DONE]\n\n")
        }
        return events.map { Array($0.utf8) }
    }

    /// SSE chunks of a completions stream (`choices[].text`), ending with `[DONE]`.
    static func completionEvents(_ pieces: [String]) -> [[UInt8]] {
        var events = pieces.map { #"data: {"id":"cmpl-1","object":"text_completion","created":1,"choices":[{"text":"\#(escape($0))","index":0,"logprobs":null,"finish_reason":null}],"model":"m"}"# + "\n\n" }
        events.append("data: [DONE]\n\n")
        return events.map { Array($0.utf8) }
    }

    let steps = Mutex<[Step]>([])
    let recorded = Mutex<[Recorded]>([])
    let apiKey = "sk-test-123"

    func script(_ steps: [Step]) { self.steps.withLock { $0 = steps } }

    var requests: [Recorded] { recorded.withLock { $0 } }

    private func nextStep() -> Step {
        steps.withLock { s in s.isEmpty ? .completion("default answer") : s.removeFirst() }
    }

    func application() -> some ApplicationProtocol {
        let router = Router()
        for path in ["/v1/completions", "/v1/chat/completions"] {
            router.post(RouterPath(path)) { request, context -> Response in
                let body = try await request.body.collect(upTo: 1 << 20)
                let raw = String(buffer: body)
                guard request.headers[.contentType]?.hasPrefix("application/json") == true,
                      let object = try? JSONSerialization.jsonObject(with: Data(raw.utf8)) as? [String: Any]
                else {
                    return Self.json(400, #"{"error":{"message":"We could not parse the JSON body of your request.","type":"invalid_request_error","param":null,"code":null}}"#)
                }
                var flat: [String: String] = [:]
                for (k, v) in object { flat[k] = "\(v)" }
                self.recorded.withLock { $0.append(Recorded(path: path, authorization: request.headers[.authorization], json: flat, raw: raw)) }
                guard request.headers[.authorization] == "Bearer \(self.apiKey)" else {
                    return Self.json(401, #"{"error":{"message":"Incorrect API key provided: sk-***.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#)
                }
                return try await self.answer(self.nextStep(), path: path)
            }
        }
        router.get("/v1/models") { request, _ -> Response in
            self.recorded.withLock { $0.append(Recorded(path: "/v1/models", authorization: request.headers[.authorization], json: [:], raw: "")) }
            guard request.headers[.authorization] == "Bearer \(self.apiKey)" else {
                return Self.json(401, #"{"error":{"message":"Incorrect API key provided: sk-***.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#)
            }
            return Self.json(200, #"{"object":"list","data":[{"id":"heartline","object":"model","created":1,"owned_by":"llamacpp"}]}"#)
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    private func answer(_ step: Step, path: String) async throws -> Response {
        switch step {
        case .completion(let text):
            let escaped = Self.escape(text)
            if path.hasSuffix("chat/completions") {
                return Self.json(200, #"{"id":"chatcmpl-1","object":"chat.completion","created":1741569952,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"\#(escaped)","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}"#)
            }
            return Self.json(200, #"{"id":"cmpl-1","object":"text_completion","created":1589478378,"model":"m","choices":[{"text":"\#(escaped)","index":0,"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}}"#)
        case .chat(let text):
            return try await answer(.completion(text), path: "chat/completions")
        case .status(let code, let body, let headers):
            var response = Self.json(code, body)
            for (name, value) in headers { response.headers[HTTPField.Name(name)!] = value }
            return response
        case .slow(let delay, let text):
            try await Task.sleep(for: delay)
            return try await answer(.completion(text), path: path)
        case .garbage:
            return Self.json(200, "<html>502 bad gateway</html>")
        case .stream(let chunks, let pause, let abort):
            var headers = HTTPFields()
            headers[.contentType] = "text/event-stream"
            headers[.cacheControl] = "no-cache"
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                for chunk in chunks {
                    try await writer.write(ByteBuffer(bytes: chunk))
                    if pause > .zero { try await Task.sleep(for: pause) }
                }
                if abort { throw Aborted() }
                try await writer.finish(nil)
            })
        case .oversized(let bytes):
            return Self.json(200, #"{"choices":[{"text":""# + String(repeating: "x", count: bytes) + #""}]}"#)
        }
    }

    /// A JSON string body as a real server writes it: quotes, backslashes and every control
    /// character escaped (JSON forbids them raw).
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func json(_ status: Int, _ body: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[HTTPField.Name("x-request-id")!] = "req_test"
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
