import ChatCore
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// The PostgreSQL store: one connection pool shared by the session store, the inbox and the work
/// source, plus one connection that listens for notifications (new work; replies to messages this
/// instance accepted but another instance answered) and doubles as the health probe.
///
/// `run()` (a `Service`) keeps the pool and the listener alive: when the database goes away it
/// reports unhealthy, reconnects with backoff, and reports healthy again once a probe query
/// through the pool succeeds (the path messages take), renewing the pool after an outage.
public final class PostgresStore: Service, Sendable {
    public let configuration: PostgresStoreConfiguration
    /// Random per process: names this instance's leases and its reply channel.
    public let instanceID: String
    public let sessions: PostgresSessionStore
    public let inbox: PostgresInbox
    public let workSource: PostgresWorkSource
    let pool: PoolHolder
    let logger: Logger
    /// Passed to PostgresNIO; never below `.notice`, so that no query (or its values) is logged.
    let queryLogger: Logger
    private let onHealthChange: @Sendable (Bool) -> Void
    private let healthy = Mutex<Bool?>(nil)
    /// Set when the listener lost the database: the pool is renewed when it is back.
    private let renewWhenBack = Mutex(false)
    private let waiters: ReplyWaiters?
    private let poolProbeFailures = Mutex(0)

    /// - Parameters:
    ///   - waiters: woken when another instance answers a message that this instance accepted
    ///     (a synchronous API caller waits here).
    ///   - capacity: pending entries (all instances) above which `hasRoom` refuses new work.
    public init(
        configuration: PostgresStoreConfiguration,
        hasher: any UserKeyHasher,
        waiters: ReplyWaiters? = nil,
        capacity: Int = 10_000,
        logger: Logger = Logger(label: "heartline.store.postgres"),
        onHealthChange: @escaping @Sendable (Bool) -> Void = { _ in }
    ) {
        self.configuration = configuration
        var id = SystemRandomNumberGenerator()
        self.instanceID = String(format: "%016llx", id.next() as UInt64)
        self.logger = logger
        let queryLogger = Self.quiet(logger)
        self.queryLogger = queryLogger
        self.onHealthChange = onHealthChange
        self.waiters = waiters
        var poolLogger = queryLogger
        poolLogger.logLevel = max(poolLogger.logLevel, .error)
        let pool = PoolHolder(requestTimeout: configuration.requestTimeout) { [poolLogger] in PostgresClient(configuration: Self.clientConfiguration(configuration), backgroundLogger: poolLogger) }
        self.pool = pool
        self.sessions = PostgresSessionStore(pool: pool, logger: logger, queryLogger: queryLogger)
        self.inbox = PostgresInbox(pool: pool, hasher: hasher, configuration: configuration, instanceID: instanceID, logger: logger, queryLogger: queryLogger)
        self.workSource = PostgresWorkSource(
            pool: pool, configuration: configuration, instanceID: instanceID, capacity: capacity,
            logger: logger, queryLogger: queryLogger
        )
        let workSource = self.workSource
        inbox.localWorkerIdle.value = { await workSource.hasIdleWorker }
    }

    // MARK: Start

    /// Connects (retrying for up to `timeout` while the database starts) and applies the
    /// migrations; returns the versions applied now. Runs before the service group, with a
    /// short-lived connection of its own.
    @discardableResult
    public static func prepare(
        _ configuration: PostgresStoreConfiguration, timeout: Duration = .seconds(30),
        logger: Logger = Logger(label: "heartline.store.postgres")
    ) async throws -> [Int] {
        let queryLogger = quiet(logger)
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var delay = Duration.milliseconds(100)
        while true {
            do {
                let applied = try await withConnection(configuration, logger: queryLogger) { connection in
                    try await PostgresMigrations.apply(on: connection, logger: queryLogger)
                }
                if !applied.isEmpty {
                    logger.info("database schema migrated", metadata: ["store.migrations": "\(applied.map(String.init).joined(separator: ","))"])
                }
                return applied
            } catch {
                guard clock.now + delay < deadline else {
                    throw StoreError.unavailable("cannot reach PostgreSQL at \(configuration): \(Self.describe(error))")
                }
                logger.warning("PostgreSQL not reachable yet; retrying", metadata: ["store.target": "\(configuration)", "error": "\(Self.describe(error))"])
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(2))
            }
        }
    }

    /// The key every instance uses to hash user ids: generated by the first instance and kept in
    /// `heartline_settings`, so that dedupe keys and session names agree across instances.
    public static func sharedHashKey(
        _ configuration: PostgresStoreConfiguration, logger: Logger = Logger(label: "heartline.store.postgres")
    ) async throws -> [UInt8] {
        let queryLogger = quiet(logger)
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        let candidate = bytes.map { String(format: "%02x", $0) }.joined()
        let stored = try await withConnection(configuration, logger: queryLogger) { connection -> String? in
            try await connection.query(
                "INSERT INTO heartline_settings (name, value) VALUES ('hash.key', \(candidate)) ON CONFLICT (name) DO NOTHING",
                logger: queryLogger
            )
            let rows = try await connection.query("SELECT value FROM heartline_settings WHERE name = 'hash.key'", logger: queryLogger)
            for try await value in rows.decode(String.self) { return value }
            return nil
        }
        guard let stored else { throw StoreError.unavailable("the shared hash key could not be read") }
        return Array(stored.utf8)
    }

    /// A short-lived connection of its own (start-up work, before the pool runs).
    static func withConnection<T: Sendable>(
        _ configuration: PostgresStoreConfiguration, logger: Logger, _ body: @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection = try await PostgresConnection.connect(configuration: connectionConfiguration(configuration), id: 0, logger: logger)
        do {
            let value = try await body(connection)
            try? await connection.close()
            return value
        } catch {
            try? await connection.close()
            throw error
        }
    }

    // MARK: Running

    /// Runs until graceful shutdown. In a service group this store is listed before the workers,
    /// so it shuts down after them: draining workers can still mark their entries done.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.pool.run() }
                group.addTask { await self.listen() }
                group.addTask { await self.workSource.maintain() }
                group.addTask { await self.inbox.maintain() }
            }
        }
        setHealthy(false, reason: nil)
    }

    /// Keeps one connection listening; reconnects with backoff. Every `pollInterval` it runs a
    /// probe query and nudges the work source (the fallback when a notification was missed, and
    /// how expired leases of dead workers are noticed).
    private func listen() async {
        var delay = Duration.milliseconds(100)
        var connectionID = 1
        while !Task.isCancelledOrShuttingDown {
            do {
                // One connection only listens, the other probes: queries never share a
                // connection with the notification listeners.
                let listening = try await connect(id: connectionID)
                let probing: PostgresConnection
                do {
                    probing = try await connect(id: connectionID + 1)
                } catch {
                    try? await listening.close()
                    throw error
                }
                connectionID += 2
                do {
                    try await session(listening: listening, probing: probing) { delay = .milliseconds(100) }
                } catch {
                    try? await listening.close()
                    try? await probing.close()
                    throw error
                }
                try? await listening.close()
                try? await probing.close()
            } catch {
                if Task.isCancelledOrShuttingDown { break }
                renewWhenBack.withLock { $0 = true }
                pool.setHealthy(false)
                setHealthy(false, reason: Self.describe(error))
            }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(2))
        }
    }

    private func session(listening: PostgresConnection, probing: PostgresConnection, connected: () -> Void) async throws {
        // Callback listeners feed one stream; its consumer is cancelled with the session, so a
        // lost connection can never leave the session waiting on a listener.
        let (events, sink) = AsyncStream.makeStream(of: String?.self, bufferingPolicy: .bufferingNewest(4096))
        let work = listening.addListener(channel: PostgresInbox.workChannel) { _, _ in sink.yield(nil) }
        let done = listening.addListener(channel: "heartline_done_\(instanceID)") { _, notification in sink.yield(notification.payload) }
        listening.closeFuture.whenComplete { _ in sink.finish() }
        defer {
            work.stop()
            done.stop()
            sink.finish()
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in events {
                    if let id = event { await self.remoteCompletion(id) } else { await self.workSource.wake() }
                }
                // The listening connection closed.
                if !Task.isCancelled { throw StoreError.unavailable("the listening connection closed") }
            }
            group.addTask {
                // Probe and fallback poll. The connection probe runs on a connection of its own
                // (a pool request could wait for the pool's own reconnection and hide an outage);
                // readiness then follows a probe through the pool, the path messages take.
                let clock = ContinuousClock()
                var nextPoll = clock.now
                while !Task.isCancelledOrShuttingDown {
                    // Counting the backlog only every `pollInterval`; `SELECT 1` on the other ticks.
                    let poll = clock.now >= nextPoll
                    let query: PostgresQuery = poll ? "SELECT count(*)::int8 FROM heartline_inbox WHERE done_at IS NULL" : "SELECT 0::int8"
                    let pending = try await withDeadline(self.configuration.probeTimeout, "probe", onTimeout: {
                        let _: EventLoopFuture<Void> = probing.close()
                    }) {
                        try await first(probing.query(query, logger: self.queryLogger).decode(Int.self)) ?? 0
                    }
                    // The database answers: requests are no longer refused up front.
                    self.pool.setHealthy(true)
                    if self.renewWhenBack.withLock({ flag in defer { flag = false }; return flag }) {
                        // Back after an outage: new requests go to a fresh pool (see `PoolHolder`).
                        self.pool.renew()
                    }
                    await self.probePool()
                    if poll {
                        nextPoll = clock.now + self.configuration.pollInterval
                        await self.workSource.refresh(pending: pending)
                    }
                    try await Task.sleep(for: self.configuration.probeInterval)
                }
            }
            connected()
            // The first task to end (a lost connection, or shutdown) ends the session.
            do {
                try await group.next()
            } catch {
                if !Task.isCancelledOrShuttingDown { self.setHealthy(false, reason: Self.describe(error)) }
                group.cancelAll()
                throw error
            }
            group.cancelAll()
        }
    }

    /// The database answers the probe connection: readiness follows a cheap query through the
    /// pool with a deadline. A pool that fails it three times in a row while the database answers is
    /// stuck (requests parked on dead connections, or backing off after an outage the listener
    /// did not see) and is replaced.
    ///
    /// Readiness only: whether requests are refused up front (`PoolHolder.isHealthy`) follows the
    /// database itself (the listener), so that a slow probe on a busy machine does not turn
    /// messages away.
    private func probePool() async {
        do {
            try await pool.execute("SELECT 1", "probe the pool", timeout: configuration.probeTimeout, logger: queryLogger)
            poolProbeFailures.withLock { $0 = 0 }
            // Ready again: let an idle worker look for work that waited meanwhile.
            if setHealthy(true, reason: nil) { await workSource.wake() }
        } catch {
            if Task.isCancelledOrShuttingDown { return }
            let failures = poolProbeFailures.withLock { count -> Int in
                count += 1
                return count
            }
            setHealthy(false, reason: "the connection pool does not answer: \(Self.describe(error))")
            // Three in a row (at least three seconds): one slow probe on a busy machine is not a
            // stuck pool, and replacing a working pool fails the requests in flight on it.
            if failures >= 3 {
                poolProbeFailures.withLock { $0 = 0 }
                renewWhenBack.withLock { $0 = false }
                pool.renew()
                logger.warning("PostgreSQL answers but the connection pool does not; replaced the pool", metadata: ["store.target": "\(configuration)"])
            }
        }
    }

    private func remoteCompletion(_ id: String) async {
        guard let waiters, waiters.isWaiting(for: id) else { return }
        do {
            if case .some(let reply) = try await inbox.reply(for: id) { waiters.resume(id, with: reply) }
        } catch {
            logger.warning("could not read a reply answered by another instance", metadata: ["error": "\(Self.describe(error))"])
        }
    }

    /// `reason` nil: stopping, not an outage. Returns whether the state changed.
    @discardableResult
    private func setHealthy(_ value: Bool, reason: String?) -> Bool {
        let previous = healthy.withLock { current -> Bool? in
            defer { current = value }
            return current
        }
        guard previous != value else { return false }
        if value {
            if previous == false {
                logger.notice("PostgreSQL reachable again", metadata: ["store.target": "\(configuration)"])
            }
        } else if let reason {
            logger.error("PostgreSQL unavailable; reconnecting", metadata: ["store.target": "\(configuration)", "error": "\(reason)"])
        }
        onHealthChange(value)
        return true
    }

    // MARK: Connections

    static func quiet(_ logger: Logger) -> Logger {
        var quiet = logger
        if quiet.logLevel < .notice { quiet.logLevel = .notice }
        return quiet
    }

    func connect(id: Int) async throws -> PostgresConnection {
        try await PostgresConnection.connect(configuration: Self.connectionConfiguration(configuration), id: id, logger: queryLogger)
    }

    static func connectionConfiguration(_ c: PostgresStoreConfiguration) throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if let directory = c.unixSocketDirectory {
            configuration = .init(unixSocketPath: "\(directory)/.s.PGSQL.\(c.port)", username: c.username, password: c.password, database: c.database)
        } else {
            let tls: PostgresConnection.Configuration.TLS = c.requireTLS
                ? .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
                : .disable
            configuration = .init(host: c.host, port: c.port, username: c.username, password: c.password, database: c.database, tls: tls)
        }
        configuration.options.connectTimeout = .seconds(3)
        return configuration
    }

    static func clientConfiguration(_ c: PostgresStoreConfiguration) -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let directory = c.unixSocketDirectory {
            configuration = .init(unixSocketPath: "\(directory)/.s.PGSQL.\(c.port)", username: c.username, password: c.password, database: c.database)
        } else {
            configuration = .init(
                host: c.host, port: c.port, username: c.username, password: c.password, database: c.database,
                tls: c.requireTLS ? .require(.makeClientConfiguration()) : .disable
            )
        }
        configuration.options.maximumConnections = c.poolSize
        configuration.options.minimumConnections = min(2, c.poolSize)
        configuration.options.connectTimeout = .seconds(3)
        return configuration
    }

    /// An error as logs may show it: PostgreSQL's code and message, never query values.
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let server = error.serverInfo {
                return "\(server[.sqlState] ?? "?") \(server[.message] ?? "")"
            }
            return "\(error.code)"
        }
        if let error = error as? StoreError { return "\(error)" }
        return "\(type(of: error))"
    }
}

extension Task where Success == Never, Failure == Never {
    static var isCancelledOrShuttingDown: Bool { Task.isCancelled || Task.isShuttingDownGracefully }
}
