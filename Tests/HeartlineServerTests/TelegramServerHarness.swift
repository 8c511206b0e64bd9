import AsyncHTTPClient
import ChatCore
import Foundation
import HTTPTypes
import HeartlineServer
import Hummingbird
import HummingbirdTesting
import Logging
import ModelBackends
import NIOCore
import Storage
import Synchronization
import Testing
import TelegramAdapter
import TelegramBotAPIFake

/// Runs the real server (file store, durable inbox, pipeline, workers, Telegram channel) against
/// the fake Bot API on loopback.
struct TelegramServerHarness: Sendable {
    static let token = "7000000002:AAH_fake-Token_for_tests"
    static let secret = "test-secret_0123456789"
    static let secretHeader = HTTPField.Name(TelegramWebhookSecret.headerName)!

    let dataDirectory: String

    init() {
        dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("heartline-tg-\(UUID().uuidString)").path
    }

    func removeData() {
        try? FileManager.default.removeItem(atPath: dataDirectory)
    }

    static func settings(baseURL: String, mode: TelegramSettings.Mode = .webhook, dataDirectory: String) -> HeartlineSettings {
        var s = HeartlineSettings()
        s.http.port = 0
        s.dataDirectory = dataDirectory
        s.local.enabled = false
        s.workers = 8
        s.telegram.configuredMode = mode
        s.telegram.token = TelegramBotToken(validating: token)
        s.telegram.webhookSecret = TelegramWebhookSecret(validating: secret)
        s.telegram.apiBaseURL = baseURL
        s.telegram.pacing = .unlimited
        s.telegram.typingDelay = .milliseconds(200)
        s.telegram.pollingTimeoutSeconds = 1
        return s
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }

    /// Builds the application over the data directory and runs `body` against it (`.live`: real
    /// sockets). The HTTP client and the stores are released before returning, so the same data
    /// directory can be opened again (a restart).
    /// A fresh data directory and fake Bot API, and the server run against them with `configure`d
    /// settings; `body` gets the test client, the fake and the context.
    static func withServer<T: Sendable>(
        model: (any CompletionModel)? = nil, sleeps: SleepLog = SleepLog(),
        configure: @Sendable (inout HeartlineSettings) -> Void = { _ in },
        _ body: @Sendable (any TestClientProtocol, TelegramBotAPIFake, Context) async throws -> T
    ) async throws -> T {
        let harness = TelegramServerHarness()
        defer { harness.removeData() }
        let fake = TelegramBotAPIFake()
        return try await fake.run { baseURL in
            var settings = settings(baseURL: baseURL, dataDirectory: harness.dataDirectory)
            configure(&settings)
            return try await harness.run(settings: settings, model: model, sleeps: sleeps) { client, context in
                try await body(client, fake, context)
            }
        }
    }

    func run<T: Sendable>(
        settings: HeartlineSettings,
        model: (any CompletionModel)? = nil,
        safety: (any SafetyFilter)? = nil,
        sleeps: SleepLog = SleepLog(),
        _ body: @Sendable (any TestClientProtocol, Context) async throws -> T
    ) async throws -> T {
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let value = try await runApp(settings: settings, model: model, safety: safety, httpClient: httpClient, sleeps: sleeps, body)
            try await httpClient.shutdown()
            return value
        } catch {
            try? await httpClient.shutdown()
            throw error
        }
    }

    struct Context: Sendable {
        let inbox: SQLiteInbox
        let telegram: TelegramComponents
    }

    /// Runs the application as `serve` does until it exits on its own (or `timeout` passes) and
    /// returns the error it stopped with.
    func runUntilExit(settings: HeartlineSettings, timeout: Duration = .seconds(60)) async throws -> (any Error)? {
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
        let logger = Self.quietLogger
        let hasher = HMACUserKeyHasher(key: Array("0123456789abcdef0123456789abcdef".utf8))
        let telegram = try #require(try TelegramComponents.live(settings: settings.telegram, dataDirectory: dataDirectory, httpClient: httpClient, hasher: hasher, logger: logger))
        let store = try SQLiteStore(dataDirectory: dataDirectory, hasher: hasher, logger: logger)
        let dependencies = HeartlineDependencies(
            hasher: hasher,
            sessions: store.sessions,
            inbox: store.inbox,
            model: try ModelFactory.retrieval(settings: settings),
            safety: BasicSafetyFilter(),
            messengers: [.telegram: telegram.messenger],
            telegram: telegram
        )
        let app = buildApplication(settings: settings, dependencies: dependencies, logger: logger)
        let outcome: (any Error)? = await withTaskGroup(of: (any Error)?.self) { group in
            group.addTask {
                do {
                    try await app.runService(gracefulShutdownSignals: [])
                    return nil
                } catch {
                    return error
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return CancellationError()
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        try await httpClient.shutdown()
        return outcome
    }

    private func runApp<T: Sendable>(
        settings: HeartlineSettings, model: (any CompletionModel)?, safety: (any SafetyFilter)?, httpClient: HTTPClient, sleeps: SleepLog,
        _ body: @Sendable (any TestClientProtocol, Context) async throws -> T
    ) async throws -> T {
        let logger = Self.quietLogger
        let hasher = HMACUserKeyHasher(key: Array("0123456789abcdef0123456789abcdef".utf8))
        let store = try SQLiteStore(dataDirectory: dataDirectory, hasher: hasher, logger: logger)
        let inbox = store.inbox
        let telegram = try #require(try TelegramComponents.live(
            settings: settings.telegram, dataDirectory: dataDirectory, httpClient: httpClient, hasher: hasher, logger: logger,
            sleep: { try await sleeps.sleep($0) }
        ))
        var dependencies = HeartlineDependencies(
            hasher: hasher,
            sessions: store.sessions,
            inbox: inbox,
            model: try model ?? ModelFactory.retrieval(settings: settings),
            safety: safety ?? BasicSafetyFilter(),
            messengers: [.telegram: telegram.messenger],
            telegram: telegram
        )
        dependencies.handoffs = store.handoffs
        dependencies.readiness.set("store", healthy: true)
        let app = buildApplication(settings: settings, dependencies: dependencies, logger: logger)
        let context = Context(inbox: inbox, telegram: telegram)
        return try await app.test(.live) { client in try await body(client, context) }
    }
}

/// Records waits asked for by the Bot API client and the messenger, waiting only a millisecond.
final class SleepLog: Sendable {
    let waits = Mutex<[Duration]>([])

    func sleep(_ duration: Duration) async throws {
        waits.withLock { $0.append(duration) }
        try await Task.sleep(for: .milliseconds(1))
    }

    var recorded: [Duration] { waits.withLock { $0 } }
}

extension TestClientProtocol {
    /// Posts a webhook body with the secret header (or `secret`), as Telegram does (B.2).
    func postUpdate(_ body: [UInt8], secret: String? = TelegramServerHarness.secret, path: String = "/telegram/webhook", contentType: String? = "application/json") async throws -> TestResponse {
        var headers = HTTPFields()
        if let contentType { headers[.contentType] = contentType }
        if let secret { headers[TelegramServerHarness.secretHeader] = secret }
        return try await execute(uri: path, method: .post, headers: headers, body: ByteBuffer(bytes: body))
    }

    func postUpdate(_ json: String, secret: String? = TelegramServerHarness.secret) async throws -> TestResponse {
        try await postUpdate(Array(json.utf8), secret: secret)
    }
}

/// Fixtures of adapters/telegram/fixtures and small generated updates.
enum TelegramFixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("adapters/telegram/fixtures")

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name + ".json")))
    }

    static func text(_ name: String) throws -> String {
        String(decoding: try bytes(name), as: UTF8.self)
    }

    /// A private text message from `user` (a JSON string, `text` already escaped).
    static func privateText(updateID: Int64, user: Int64, text: String, language: String = "zh-hans") -> String {
        let escaped = (try? JSONEncoder().encode(text)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
        return #"{"update_id": \#(updateID), "message": {"message_id": \#(updateID % 100_000 + 1), "date": 1718000000, "from": {"id": \#(user), "is_bot": false, "first_name": "T", "language_code": "\#(language)"}, "chat": {"id": \#(user), "type": "private"}, "text": \#(escaped)}}"#
    }
}

extension TelegramBotAPIFake.Call {
    var chatID: Int64? { json["chat_id"] as? Int64 }
    var text: String? { json["text"] as? String }
}
