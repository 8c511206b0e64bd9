import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A fake Telegram Bot API on loopback (docs/protocols.md B.1–B.9), as strict as the real one about
/// what Heartline sends: POST + `application/json` to `/bot<token>/<method>`, the right token, the
/// documented parameters and limits (4096-unit texts, HTML that parses, secret-token characters,
/// HTTPS webhook URLs), answered with the documented envelope. It records every call and can be
/// scripted to answer 429 with `retry_after`, 400 migrate, 403 blocked, 500, garbage, or slowly.
public final class TelegramBotAPIFake: Sendable {
    public struct Options: Sendable {
        public var token: String
        public var botUsername: String
        /// Keep request bodies of recorded calls (off for benchmarks: counts only).
        public var recordBodies: Bool

        public init(token: String = "7000000002:AAH_fake-Token_for_tests", botUsername: String = "example_helper_bot", recordBodies: Bool = true) {
            self.token = token
            self.botUsername = botUsername
            self.recordBodies = recordBodies
        }

        public var botID: Int64 { Int64(token.prefix { $0 != ":" }) ?? 0 }
    }

    /// One call as received.
    public struct Call: Sendable {
        public var method: String
        public var body: [UInt8]
        public var at: ContinuousClock.Instant
        /// What the fake answered.
        public var status: Int

        /// The JSON body as a dictionary (tests read fields from it).
        public var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]) ?? [:]
        }
    }

    /// A scripted answer to the next call of a method, used once.
    public enum Scripted: Sendable {
        /// `{"ok":false,"error_code":code,"description":…,"parameters":…}` with that HTTP status.
        case failure(status: Int, description: String, retryAfter: Int? = nil, migrateTo: Int64? = nil)
        /// Wait, then answer normally.
        case delay(Duration)
        /// A 200 whose body is not JSON.
        case garbage

        public static func tooManyRequests(retryAfter: Int) -> Scripted {
            .failure(status: 429, description: "Too Many Requests: retry after \(retryAfter)", retryAfter: retryAfter)
        }
        public static func migrated(to chatID: Int64) -> Scripted {
            .failure(status: 400, description: "Bad Request: group chat was upgraded to a supergroup chat", migrateTo: chatID)
        }
        public static let blocked = Scripted.failure(status: 403, description: "Forbidden: bot was blocked by the user")
        public static let serverError = Scripted.failure(status: 500, description: "Internal Server Error")
    }

    struct State {
        var calls: [Call] = []
        var counts: [String: Int] = [:]
        var scripts: [String: [Scripted]] = [:]
        var webhook: (url: String, secret: String?, allowed: [String]?)?
        var pendingUpdates: [(id: Int64, json: String)] = []
        var nextMessageID: Int64 = 1000
        var blockedChats: Set<Int64> = []
        var migratedChats: [Int64: Int64] = [:]
        var commands: [String: [[String: String]]] = [:]
    }

    public let options: Options
    let state = Mutex(State())

    public init(options: Options = Options()) {
        self.options = options
    }

    // MARK: Scripting and inspection

    public func script(_ method: String, _ answers: [Scripted]) {
        state.withLock { $0.scripts[method.lowercased(), default: []].append(contentsOf: answers) }
    }

    /// Every later `sendMessage` to this chat answers 403 (the user blocked the bot).
    public func block(chat: Int64) { state.withLock { _ = $0.blockedChats.insert(chat) } }
    public func unblock(chat: Int64) { state.withLock { _ = $0.blockedChats.remove(chat) } }

    /// Every later `sendMessage` to `from` answers 400 with `migrate_to_chat_id`.
    public func migrate(chat from: Int64, to: Int64) { state.withLock { $0.migratedChats[from] = to } }

    public func calls(_ method: String? = nil) -> [Call] {
        state.withLock { s in method.map { m in s.calls.filter { $0.method == m } } ?? s.calls }
    }

    public func count(_ method: String) -> Int { state.withLock { $0.counts[method, default: 0] } }

    /// Successful `sendMessage` calls.
    public func sentMessages() -> [Call] { calls("sendMessage").filter { $0.status == 200 } }

    public var webhookURL: String? { state.withLock { $0.webhook?.url } }

    public func setWebhook(url: String, secret: String? = nil) {
        state.withLock { $0.webhook = url.isEmpty ? nil : (url, secret, nil) }
    }

    public func commands(language: String = "") -> [[String: String]]? { state.withLock { $0.commands[language] } }

    /// Queues an update (raw JSON with an `update_id`) for `getUpdates`.
    public func enqueueUpdate(_ json: String) {
        let id = (try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["update_id"] as? Int64 ?? 0
        // Telegram hands updates out in increasing update_id order (B.3).
        state.withLock { s in
            let index = s.pendingUpdates.firstIndex { $0.id > id } ?? s.pendingUpdates.endIndex
            s.pendingUpdates.insert((id, json), at: index)
        }
    }

    public var pendingUpdateCount: Int { state.withLock { $0.pendingUpdates.count } }

    /// Waits until at least `count` calls of `method` satisfy `filter`, or the timeout passes.
    @discardableResult
    public func waitFor(
        _ method: String, count: Int = 1, timeout: Duration = .seconds(10), where filter: @Sendable (Call) -> Bool = { $0.status == 200 }
    ) async -> [Call] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let matching = calls(method).filter(filter)
            if matching.count >= count || ContinuousClock.now >= deadline { return matching }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    // MARK: Running

    /// Runs the fake on 127.0.0.1 (port 0) for the duration of `body`, which gets the base URL.
    public func run<T: Sendable>(logger: Logger = Logger(label: "fake.telegram"), _ body: @Sendable (String) async throws -> T) async throws -> T {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = makeApplication(port: 0, logger: logger) { port in continuation.yield(port) }
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            do {
                let value = try await body("http://127.0.0.1:\(port)")
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return value
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }

    /// The fake as an application (the benchmark runs it in its own service group).
    public func makeApplication(host: String = "127.0.0.1", port: Int, logger: Logger, onPort: @escaping @Sendable (Int) -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router(context: BasicRequestContext.self)
        addRoutes(to: router)
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "FakeTelegram"),
            onServerRunning: { channel in onPort(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    /// Adds the Bot API routes under `prefix` (e.g. `/telegram`, so that the simulator serves the
    /// fake beside others on one port; Heartline's `telegram.apiBaseUrl` then ends in the prefix).
    public func addRoutes(to router: Router<BasicRequestContext>, prefix: String = "") {
        router.post(RouterPath(prefix + "/{bot}/{method}")) { [self] request, context -> Response in
            let bot = context.parameters.get("bot") ?? ""
            let method = context.parameters.get("method") ?? ""
            let contentType = request.headers[.contentType]
            let body = try await request.body.collect(upTo: 16 << 20)
            return await self.handle(bot: bot, method: method, contentType: contentType, body: Array(body.readableBytesView))
        }
        // Counts per method, for scripts (the benchmark) that run the fake as a process.
        router.get(RouterPath(prefix + "/_stats")) { [self] _, _ -> Response in
            let counts = state.withLock { $0.counts }
            let data = (try? JSONSerialization.data(withJSONObject: counts, options: [.sortedKeys])) ?? Data("{}".utf8)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        // Queues an update for getUpdates, so long polling can be tried against the process.
        router.post(RouterPath(prefix + "/_updates")) { [self] request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            enqueueUpdate(String(buffer: body))
            return Response(status: .ok)
        }
    }
}
