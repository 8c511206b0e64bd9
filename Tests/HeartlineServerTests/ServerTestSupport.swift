import ChatCore
import Foundation
import HeartlineServer
import Hummingbird
import HummingbirdTesting
import Logging
import ModelBackends
import NIOCore
import Storage
import Synchronization

/// A model for server tests: answers from a closure and counts calls.
final class CountingModel: CompletionModel, Sendable {
    let name = "counting"
    let count = Mutex(0)
    let answer: @Sendable (CompletionRequest) async throws -> String

    init(answer: @escaping @Sendable (CompletionRequest) async throws -> String = { "回答：" + $0.question }) {
        self.answer = answer
    }

    var calls: Int { count.withLock { $0 } }

    func complete(_ request: CompletionRequest) async throws -> Completion {
        count.withLock { $0 += 1 }
        return Completion(text: try await answer(request), model: name, origin: .primary)
    }
}

func temporaryDataDirectory(_ name: String = #function) -> String {
    let path = NSTemporaryDirectory() + "heartline-server-tests/" + name.filter { $0.isLetter || $0.isNumber } + "-" + UUID().uuidString.prefix(8)
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Real file store in a temporary directory, a given model, and the settings to build the app.
struct TestEnvironment {
    var settings = HeartlineSettings()
    var dependencies: HeartlineDependencies
    let dataDirectory: String

    init(model: any CompletionModel = CountingModel(), safety: any SafetyFilter = BasicSafetyFilter(), name: String = #function, configure: (inout HeartlineSettings) -> Void = { _ in }) throws {
        dataDirectory = temporaryDataDirectory(name)
        settings.dataDirectory = dataDirectory
        settings.http.port = 0
        configure(&settings)
        let hasher = HMACUserKeyHasher(key: Array("server-test-key-server-test-key!".utf8))
        let readiness = Readiness()
        readiness.set("store", healthy: true)
        readiness.set("model", healthy: true)
        let store = try SQLiteStore(dataDirectory: dataDirectory, hasher: hasher)
        dependencies = HeartlineDependencies(
            hasher: hasher,
            sessions: store.sessions,
            inbox: store.inbox,
            model: model,
            safety: safety,
            readiness: readiness
        )
        dependencies.handoffs = store.handoffs
    }

    func app() -> some ApplicationProtocol {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return buildApplication(settings: settings, dependencies: dependencies, logger: logger)
    }
}

extension TestClientProtocol {
    /// Posts a JSON string to the local channel.
    func postLocal(_ json: String, contentType: String? = "application/json", headers extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers = extra
        if let contentType { headers[.contentType] = contentType }
        return try await execute(uri: "/v1/local/messages", method: .post, headers: headers, body: ByteBuffer(string: json))
    }

    func postLocal(bytes: [UInt8]) async throws -> TestResponse {
        try await execute(uri: "/v1/local/messages", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(bytes: bytes))
    }
}

/// The JSON object of a response.
func object(_ response: TestResponse) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:]
}

func errorCode(_ response: TestResponse) -> String? {
    (object(response)["error"] as? [String: Any])?["code"] as? String
}
