import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// The simulator's own HTTP server on loopback: the fake platforms (`/telegram/…`,
/// `/wechat-api/…`), the browser UI (`/simulator/`) and the JSON API the UI and `heartline
/// simulate` use (`/simulator/api/…`).
public struct SimulatorServer: Sendable {
    public let engine: SimulatorEngine
    public let platform: SimulatorPlatform
    let reports = UIReports()

    public init(engine: SimulatorEngine) {
        self.engine = engine
        self.platform = engine.platform
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        platform.addRoutes(to: router)
        router.get("/simulator/") { _, _ in Self.file("index.html") }
        router.get("/simulator/{file}") { _, context in Self.file(context.parameters.get("file") ?? "") }
        router.get("/simulator/api/info") { _, _ in Self.json(await engine.info()) }
        // Messages that reached the user's chat unasked (a counsellor's, handoff notices), past `after`.
        router.get("/simulator/api/messages") { request, _ -> Response in
            let query = request.uri.queryParameters
            guard let platform = query.get("platform").flatMap(SimPlatform.init(rawValue:)), let user = query.get("user"), !user.isEmpty else {
                return Self.json(["error": "platform and user are required"], status: .badRequest)
            }
            return Self.json(await engine.messages(platform: platform, user: user, after: query.get("after").flatMap(Int.init)))
        }
        router.post("/simulator/api/send") { request, _ -> Response in
            let body: SendRequest
            do { body = try await Self.decode(SendRequest.self, request) } catch { return Self.problem(error) }
            return Self.json(await engine.send(body))
        }
        router.post("/simulator/api/redeliver") { request, _ -> Response in
            let body: UserRef
            do { body = try await Self.decode(UserRef.self, request) } catch { return Self.problem(error) }
            return Self.json(await engine.redeliver(platform: body.platform, user: body.user))
        }
        router.post("/simulator/api/reorder") { request, _ -> Response in
            let body: ReorderRequest
            do { body = try await Self.decode(ReorderRequest.self, request) } catch { return Self.problem(error) }
            return Self.json(await engine.outOfOrder(platform: body.platform, user: body.user, first: body.first, second: body.second))
        }
        router.post("/simulator/api/reset") { request, _ -> Response in
            let body: UserRef
            do { body = try await Self.decode(UserRef.self, request) } catch { return Self.problem(error) }
            return Self.json(await engine.reset(platform: body.platform, user: body.user))
        }
        router.post("/simulator/api/fault") { request, _ -> Response in
            do {
                let body = try await Self.decode(FaultRequest.self, request)
                return Self.json(["injected": try await engine.inject(body)])
            } catch {
                return Self.problem(error)
            }
        }
        // The browser UI's self-check (`?selftest=1`) reports here; the UI tests read it back.
        router.post("/simulator/api/ui-report") { [reports] request, _ -> Response in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            reports.add(String(buffer: buffer))
            return Response(status: .noContent)
        }
        router.get("/simulator/api/ui-report") { [reports] _, _ -> Response in
            let all = reports.all
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "[" + all.joined(separator: ",") + "]")))
        }
        return router
    }

    /// What the browser UI's self-check reported.
    final class UIReports: Sendable {
        private let reports = Mutex<[String]>([])
        func add(_ report: String) { reports.withLock { $0.append(report) } }
        var all: [String] { reports.withLock { $0 } }
    }

    struct UserRef: Codable, Sendable {
        var platform: SimPlatform
        var user: String
    }

    struct ReorderRequest: Codable, Sendable {
        var platform: SimPlatform
        var user: String
        var first: String
        var second: String
    }

    /// Runs the server on `host:port` (0: any free port) while `body` runs; `body` gets the base URL.
    public func run<T: Sendable>(host: String = "127.0.0.1", port: Int = 0, logger: Logger, _ body: @Sendable (String) async throws -> T) async throws -> T {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router(),
            configuration: .init(address: .hostname(host, port: port), serverName: "HeartlineSimulator"),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? port) },
            logger: logger
        )
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await app.runService(gracefulShutdownSignals: [])
                return nil
            }
            var iterator = ports.makeAsyncIterator()
            guard let bound = await iterator.next(), bound > 0 else { throw SimulatorError.unreachable("the simulator could not listen on \(host):\(port)") }
            let display = host.contains(":") ? "[\(host)]" : host
            do {
                let result = try await body("http://\(display):\(bound)")
                group.cancelAll()
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }

    // MARK: Plumbing

    static let files: [String: String] = [
        "index.html": "text/html; charset=utf-8", "app.js": "text/javascript; charset=utf-8", "style.css": "text/css; charset=utf-8",
    ]

    static func file(_ name: String) -> Response {
        guard let type = files[name],
              let url = Bundle.module.url(forResource: "web", withExtension: nil)?.appendingPathComponent(name),
              let data = try? Data(contentsOf: url)
        else { return Response(status: .notFound) }
        return Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    static func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        let buffer = try await request.body.collect(upTo: 1 << 20)
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch {
            throw SimulatorError.badRequest("invalid request body: \(Self.decodingProblem(error))")
        }
    }

    static func decodingProblem(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, _)?: "missing \"\(key.stringValue)\""
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case .dataCorrupted(let context)?:
            context.codingPath.isEmpty ? "not JSON" : "invalid value at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        default: "not JSON"
        }
    }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func problem(_ error: any Error) -> Response {
        let message = (error as? SimulatorError)?.description ?? "invalid request"
        return json(["error": message], status: .badRequest)
    }
}
