import PostgresNIO
import Synchronization

/// The connection pool in use, replaced by a fresh one after a database outage.
///
/// PostgresNIO's pool backs off between connection attempts for up to a minute once the database
/// has been away for a while, and fails requests meanwhile. When the listening connection is back,
/// the store renews the pool, so that work resumes as soon as the database accepts connections.
/// Requests still on the old pool fail and are retried by their callers.
final class PoolHolder: Sendable {
    private struct Generation: Sendable {
        let client: PostgresClient
        let retired: AsyncStream<Void>
        let retire: AsyncStream<Void>.Continuation
    }

    private let current: Mutex<Generation>
    private let healthy = Mutex(true)
    private let generations: AsyncStream<Generation>
    private let announce: AsyncStream<Generation>.Continuation
    private let make: @Sendable () -> PostgresClient

    init(make: @escaping @Sendable () -> PostgresClient) {
        self.make = make
        self.current = Mutex(Self.generation(make()))
        (generations, announce) = AsyncStream.makeStream(of: Generation.self)
    }

    var client: PostgresClient { current.withLock { $0.client } }

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
        old.retire.finish()
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
            group.addTask { for await _ in generation.retired {} }
            await group.next()
            group.cancelAll()
        }
    }

    private static func generation(_ client: PostgresClient) -> Generation {
        let (retired, retire) = AsyncStream.makeStream(of: Void.self)
        return Generation(client: client, retired: retired, retire: retire)
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
