import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// A fake OpenAI-compatible chat server that streams (docs/protocols.md C.4): each request gets
/// the next scripted answer as `text/event-stream` chunks, one piece per event, `pause` apart,
/// then a finish chunk and `data: [DONE]`. Records when each answer's first piece went out.
final class FakeStreamingOpenAI: Sendable {
    let answers = Mutex<[[String]]>([])
    let requests = Mutex(0)
    let firstPieceSent = Mutex<[ContinuousClock.Instant]>([])
    let pause: Duration

    init(pause: Duration = .milliseconds(200)) {
        self.pause = pause
    }

    func script(_ answers: [[String]]) { self.answers.withLock { $0 = answers } }
    var requestCount: Int { requests.withLock { $0 } }

    /// Runs the server on a free loopback port and gives `body` its base URL.
    func run<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        router.post("/v1/chat/completions") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 1 << 20)
            self.requests.withLock { $0 += 1 }
            let pieces = self.answers.withLock { $0.isEmpty ? ["默认回答。"] : $0.removeFirst() }
            var headers = HTTPFields()
            headers[.contentType] = "text/event-stream"
            let pause = self.pause
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                for (index, piece) in pieces.enumerated() {
                    if index > 0 { try await Task.sleep(for: pause) }
                    let chunk: [String: Any] = ["choices": [["index": 0, "delta": ["content": piece]]]]
                    let json = String(decoding: try JSONSerialization.data(withJSONObject: chunk), as: UTF8.self)
                    try await writer.write(ByteBuffer(string: "data: \(json)\n\n"))
                    if index == 0 { self.firstPieceSent.withLock { $0.append(.now) } }
                }
                try await writer.write(ByteBuffer(string: #"data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"# + "\n\ndata: [DONE]\n\n"))
                try await writer.finish(nil)
            })
        }
        let port = Mutex<Int?>(nil)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } }
        )
        return try await withThrowingTaskGroup(of: Void.self) { group -> T in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            while port.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(5)) }
            let value = try await body("http://127.0.0.1:\(port.withLock { $0 } ?? 0)")
            group.cancelAll()
            return value
        }
    }
}
