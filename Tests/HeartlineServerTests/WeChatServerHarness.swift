import AsyncHTTPClient
import ChatCore
import Foundation
import HeartlineServer
import HeartlineTestSupport
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Storage
import Synchronization
import WeChatAdapter
import WeChatTestSupport

/// Runs the real application (routes, inbox, workers, customer-service delivery) on loopback with
/// a fake WeChat API, a scriptable model and an SQLite store in a temporary directory.
struct WeChatServerHarness: Sendable {
    static let token = "HeartlineToken2026"
    static let encodingAESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
    static let toUser = "gh_1a2b3c4d5e6f"

    let fake: FakeWeChatAPI
    let model: WeChatTestModel
    let clock: TestClock
    let builder: WeChatPushBuilder
    /// The pipeline's safety layer: pass-through by default, the real one for safety tests.
    let safety: any SafetyFilter
    /// The store of the application started last (feedback tests read what the API wrote).
    let stores = StoreBox()

    /// Answers instead of `model` when set (a streaming model).
    let otherModel: (any CompletionModel)?

    init(
        fake: FakeWeChatAPI = FakeWeChatAPI(), model: WeChatTestModel = WeChatTestModel(), safety: any SafetyFilter = BasicSafetyFilter(),
        otherModel: (any CompletionModel)? = nil
    ) throws {
        self.fake = fake
        self.model = model
        self.otherModel = otherModel
        self.safety = safety
        self.clock = TestClock()
        self.builder = WeChatPushBuilder(token: Self.token, cipher: try WeChatCipher(encodingAESKey: Self.encodingAESKey, appID: fake.appID))
    }

    /// Starts the application and runs `body` with a client; `configure` adjusts the settings.
    func run(
        configure: @Sendable (inout HeartlineSettings) -> Void = { _ in },
        _ body: @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("heartline-wechat-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await fake.run { base in
            let app = try application(base: base, directory: directory, configure: configure)
            try await app.test(.live) { client in try await body(client) }
        }
    }

    /// Two instances of the application (separate data directories, the same hash key and
    /// settings) behind no load balancer: what one issued the other must accept.
    func runTwo(
        configure: @Sendable (inout HeartlineSettings) -> Void = { _ in },
        _ body: @Sendable (any TestClientProtocol, any TestClientProtocol) async throws -> Void
    ) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("heartline-wechat-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try await fake.run { base in
            let a = try application(base: base, directory: root + "/a", configure: configure)
            let b = try application(base: base, directory: root + "/b", configure: configure)
            try await a.test(.live) { clientA in
                try await b.test(.live) { clientB in try await body(clientA, clientB) }
            }
        }
    }

    private func application(
        base: String, directory: String, configure: @Sendable (inout HeartlineSettings) -> Void
    ) throws -> some ApplicationProtocol {
        var settings = HeartlineSettings()
        settings.http.port = 0
        settings.dataDirectory = directory
        settings.workers = 8
        settings.wechat.appID = fake.appID
        settings.wechat.appSecret = fake.secret
        settings.wechat.token = Self.token
        settings.wechat.encodingAESKey = Self.encodingAESKey
        settings.wechat.apiBaseURL = base
        settings.wechat.apiTimeout = .seconds(2)
        configure(&settings)

        var logger = Logger(label: "heartline-test")
        logger.logLevel = ProcessInfo.processInfo.environment["HEARTLINE_TEST_LOG"].flatMap { Logger.Level(rawValue: $0) } ?? .critical
        let hasher = HMACUserKeyHasher(key: Array(repeating: 7, count: 32))
        guard var wechat = try WeChatServices.live(settings: settings.wechat, httpClient: .shared, logger: logger) else {
            throw CancellationError()
        }
        // Real backoff would make the retry tests slow; keep the policy, shorten the waits.
        var options = wechat.customerService.options
        options.initialBackoff = .milliseconds(5)
        options.maxBackoff = .milliseconds(20)
        wechat.customerService = CustomerServiceClient(api: wechat.api, options: options, logger: logger)
        wechat.messenger = WeChatMessenger(client: wechat.customerService, typingEnabled: settings.wechat.typing, logger: logger)
        let clock = self.clock
        let store = try SQLiteStore(dataDirectory: directory, hasher: hasher, logger: logger)
        var dependencies = HeartlineDependencies(
            hasher: hasher,
            sessions: store.sessions,
            inbox: store.inbox,
            model: otherModel ?? model,
            safety: safety,
            messengers: [.wechat: wechat.messenger],
            wechat: wechat,
            now: { clock.now() }
        )
        dependencies.handoffs = store.handoffs
        dependencies.feedback = store.feedback
        stores.set(store)
        return buildApplication(settings: settings, dependencies: dependencies, logger: logger)
    }

    // MARK: Pushes

    var nowSeconds: Int64 { Int64(clock.now().timeIntervalSince1970) }

    func textPush(_ content: String, from user: String = "oUserAlice", msgID: Int64, format: WeChatBodyFormat = .json, mode: WeChatSecurityMode = .safe) throws -> WeChatPushBuilder.Request {
        let message = WeChatPushBuilder.textMessage(format: format, to: Self.toUser, from: user, createTime: nowSeconds, content: content, msgID: msgID)
        return try builder.build(message: message, format: format, mode: mode, toUserName: Self.toUser, timestamp: nowSeconds, nonce: "\(msgID)", openID: user)
    }

    func push(_ message: [UInt8], format: WeChatBodyFormat = .json, mode: WeChatSecurityMode = .safe, timestamp: Int64? = nil) throws -> WeChatPushBuilder.Request {
        try builder.build(message: message, format: format, mode: mode, toUserName: Self.toUser, timestamp: timestamp ?? nowSeconds, nonce: "42")
    }

    /// Posts a push and returns the status and body.
    @discardableResult
    static func post(_ client: any TestClientProtocol, _ request: WeChatPushBuilder.Request, path: String = "/wechat/push") async throws -> (Int, String) {
        try await post(client, query: request.queryString, body: request.body, path: path)
    }

    static func post(_ client: any TestClientProtocol, query: String, body: [UInt8], path: String = "/wechat/push") async throws -> (Int, String) {
        try await client.execute(uri: path + query, method: .post, body: ByteBuffer(bytes: body)) { response in
            (Int(response.status.code), String(buffer: response.body))
        }
    }

    /// Waits (up to 10 s, polling) until `condition` holds. Used to observe asynchronous delivery,
    /// never to measure speed.
    static func eventually(_ what: String, _ condition: @Sendable () -> Bool) async throws {
        guard await HeartlineTestSupport.eventually(condition) else { throw Timeout(what: what) }
    }

    struct Timeout: Error, CustomStringConvertible {
        var what: String
        var description: String { "timed out waiting for \(what)" }
    }
}

/// The last store a harness opened.
final class StoreBox: Sendable {
    private let store = Mutex<SQLiteStore?>(nil)

    func set(_ value: SQLiteStore) { store.withLock { $0 = value } }
    var last: SQLiteStore? { store.withLock { $0 } }
}

/// The service's notion of now, movable by tests.
final class TestClock: Sendable {
    private let offset = Mutex<TimeInterval>(0)

    func now() -> Date { Date().addingTimeInterval(offset.withLock { $0 }) }

    func advance(by seconds: TimeInterval) { offset.withLock { $0 += seconds } }
}

/// A model that answers `回答：<question>`, counts calls, and can be held at a gate to act slow.
final class WeChatTestModel: CompletionModel, Sendable {
    let name = "wechat-test-model"
    private struct State {
        var questions: [String] = []
        var gated = false
        var waiting: [CheckedContinuation<Void, Never>] = []
        var answer: String?
        /// Answer as the retrieval model would: (answer id, intent, category).
        var retrieval: (String, String, String)?
    }

    private let state = Mutex(State())

    var questions: [String] { state.withLock { $0.questions } }
    var callCount: Int { state.withLock { $0.questions.count } }
    var waitingCount: Int { state.withLock { $0.waiting.count } }

    /// Makes the next calls wait until `release()`.
    func hold() { state.withLock { $0.gated = true } }

    func release() {
        let waiting = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.gated = false
            defer { s.waiting.removeAll() }
            return s.waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    /// Answer every question with this text instead.
    func answer(with text: String?) { state.withLock { $0.answer = text } }

    /// Answer as the retrieval model would, naming this corpus answer (nil: as a remote model).
    func answerFromCorpus(_ ids: (answerID: String, intent: String, category: String)?) { state.withLock { $0.retrieval = ids.map { ($0.answerID, $0.intent, $0.category) } } }

    func complete(_ request: CompletionRequest) async throws -> Completion {
        await withCheckedContinuation { continuation in
            let proceed = state.withLock { s -> Bool in
                s.questions.append(request.question)
                if s.gated { s.waiting.append(continuation) }
                return !s.gated
            }
            if proceed { continuation.resume() }
        }
        let (answer, retrieval) = state.withLock { ($0.answer, $0.retrieval) }
        let text = answer ?? "回答：" + request.question
        if let (answerID, intent, category) = retrieval {
            return Completion(text: text, model: name, origin: .retrieval, answerID: answerID, category: category, intent: intent)
        }
        return Completion(text: text, model: name, origin: .primary)
    }
}
