import ChatCore
import Foundation
import Logging
import PostgresStore
import PostgresTestSupport
import Storage
import Synchronization
import Testing

let testHasher = HMACUserKeyHasher(key: Array("0123456789abcdef0123456789abcdef".utf8))

func message(_ text: String = "你好", user: String = "alice", id: String, channel: ChatChannel = .local) -> InboundMessage {
    InboundMessage(channel: channel, userKey: "\(channel.rawValue):" + user, chatKey: user, platformMessageID: id, text: text, receivedAt: Date())
}

/// The shared test server; nil only where `PostgresTestServer.isAvailable` is false (suites are gated on it).
func server() async throws -> PostgresTestServer? {
    try await PostgresTestServer.shared()
}

/// A fresh, migrated database on `server`; returns its configuration.
func freshDatabase(
    on server: PostgresTestServer, _ hint: String = #function, options: String = ""
) async throws -> (name: String, configuration: PostgresStoreConfiguration) {
    let name = PostgresTestServer.databaseName(hint)
    let url = try await server.createDatabase(name, options: options)
    let configuration = try PostgresStoreConfiguration(url: url)
    try await PostgresStore.prepare(configuration)
    return (name, configuration)
}

/// Runs `store` (pool, listener, leases) while `body` runs, then stops it.
func running<T: Sendable>(_ stores: [PostgresStore], _ body: () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: Void.self) { group in
        for store in stores {
            group.addTask { try await store.run() }
        }
        do {
            let value = try await body()
            group.cancelAll()
            return value
        } catch {
            group.cancelAll()
            throw error
        }
    }
}

func makeStore(_ configuration: PostgresStoreConfiguration, waiters: ReplyWaiters? = nil, onHealthChange: @escaping @Sendable (Bool) -> Void = { _ in }) -> PostgresStore {
    var logger = Logger(label: "test.postgres")
    logger.logLevel = .warning
    return PostgresStore(configuration: configuration, hasher: testHasher, waiters: waiters, logger: logger, onHealthChange: onHealthChange)
}

/// Shared mutable state for test tasks.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<T>(_ body: (inout Value) -> T) -> T { mutex.withLock { body(&$0) } }
}
