import ChatCore
import Logging
import PostgresNIO
import Synchronization

/// The connection pool in use, replaced by a fresh one after a database outage.
///
/// PostgresNIO's pool backs off between connection attempts for up to a minute once the database
/// has been away for a while, and fails requests meanwhile. When the database is reachable again,
/// the store renews the pool, so that work resumes as soon as the database accepts connections.
///
/// Every request goes through `query`, which bounds it with a deadline: under load across a
/// database restart, requests on the old pool were seen never to return (neither failing with the
/// restart nor when the pool was retired), and whatever waited on them (a group-commit leader, the
/// workers behind it, graceful shutdown) waited with them. Requests still on an old pool fail
/// within their deadline and are retried by their callers.
final class PoolHolder: Sendable {
    private struct Generation: Sendable {
        let client: PostgresClient
        /// Set by `renew`: the pool stops, and requests still waiting for one of its connections
        /// fail at once.
        let retirement: Retirement
    }

    private let current: Mutex<Generation>
    private let healthy = Mutex(true)
    private let generations: AsyncStream<Generation>
    private let announce: AsyncStream<Generation>.Continuation
    private let make: @Sendable () -> PostgresClient
    /// The longest any single request may take, from asking the pool for a connection to the last row.
    let requestTimeout: Duration

    init(requestTimeout: Duration, make: @escaping @Sendable () -> PostgresClient) {
        self.requestTimeout = requestTimeout
        self.make = make
        self.current = Mutex(Self.generation(make()))
        (generations, announce) = AsyncStream.makeStream(of: Generation.self)
    }

    var client: PostgresClient { current.withLock { $0.client } }

    /// Runs `query` on a pooled connection and reads its rows with `read`, all within `timeout`
    /// (default `requestTimeout`). When the time is up the connection in use is closed, so that a
    /// wait PostgresNIO does not cancel (a statement already written) ends too; the pool replaces
    /// the connection. Throws `StoreError.unavailable` on timeout.
    func query<T: Sendable>(
        _ query: PostgresQuery, _ what: String, timeout: Duration? = nil, logger: Logger,
        read: @escaping @Sendable (PostgresRowSequence) async throws -> T
    ) async throws -> T {
        let generation = current.withLock { $0 }
        let inUse = Mutex<PostgresConnection?>(nil)
        return try await withDeadline(timeout ?? requestTimeout, what, onTimeout: {
            if let connection = inUse.withLock({ $0 }) {
                let _: EventLoopFuture<Void> = connection.close()
            }
        }) {
            try await Self.unlessRetiredWhileWaiting(generation.retirement, holdsConnection: { inUse.withLock { $0 } != nil }, what) {
                try await generation.client.withConnection { connection in
                    inUse.withLock { $0 = connection }
                    let rows = try await connection.query(query, logger: logger)
                    return try await read(rows)
                }
            }
        }
    }

    private enum Outcome<T: Sendable>: Sendable {
        case value(T)
        case retired
    }

    /// Runs `body`, but fails with `StoreError.unavailable` as soon as the pool it uses is replaced
    /// while it still waits for a connection: the old pool may hand out none until the request's
    /// deadline (one answer in 40 waited 4.9 s after a restart), and a retry on the new pool
    /// answers at once. A request that already holds a connection is left to finish.
    private static func unlessRetiredWhileWaiting<T: Sendable>(
        _ retirement: Retirement, holdsConnection: @escaping @Sendable () -> Bool, _ what: String,
        _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: Outcome<T>.self) { group in
            group.addTask { .value(try await body()) }
            group.addTask {
                await retirement.wait()
                return .retired
            }
            while let outcome = try await group.next() {
                switch outcome {
                case .value(let value):
                    group.cancelAll()
                    return value
                case .retired where !holdsConnection():
                    group.cancelAll()
                    throw StoreError.unavailable("\(what): the connection pool was replaced")
                case .retired:
                    continue
                }
            }
            throw CancellationError()
        }
    }

    /// A statement whose rows are not needed (drained, as PostgresNIO expects).
    func execute(_ query: PostgresQuery, _ what: String, timeout: Duration? = nil, logger: Logger) async throws {
        try await self.query(query, what, timeout: timeout, logger: logger) { rows in
            for try await _ in rows {}
        }
    }

    /// False while the database is known to be unreachable: callers fail fast instead of queueing.
    var isHealthy: Bool { healthy.withLock { $0 } }

    func setHealthy(_ value: Bool) { healthy.withLock { $0 = value } }

    /// Starts a new pool for new requests and stops the old one.
    func renew() {
        let fresh = Self.generation(make())
        let old = current.withLock { state -> Generation in
            defer { state = fresh }
            return state
        }
        announce.yield(fresh)
        old.retirement.retire()
    }

    /// Runs the current pool and every later one until cancelled.
    func run() async {
        let first = current.withLock { $0 }
        await withDiscardingTaskGroup { group in
            group.addTask { await Self.run(first) }
            for await generation in generations {
                group.addTask { await Self.run(generation) }
            }
        }
    }

    private static func run(_ generation: Generation) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await generation.client.run() }
            group.addTask { await generation.retirement.wait() }
            await group.next()
            group.cancelAll()
        }
    }

    private static func generation(_ client: PostgresClient) -> Generation {
        Generation(client: client, retirement: Retirement())
    }
}

/// A value shared between tasks.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    var value: Value {
        get { mutex.withLock { $0 } }
        set { mutex.withLock { $0 = newValue } }
    }
}
