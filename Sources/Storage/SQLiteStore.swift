import ChatCore
import Dispatch
import Foundation
import GRDB
import Logging
import Synchronization

/// The embedded store: one SQLite database, `<data>/heartline.db` (mode 0600), in WAL mode with
/// `synchronous=FULL`. It backs both the inbox (`inbox`) and the sessions (`sessions`).
///
/// - Writes go through one group-commit queue on SQLite's writer connection; concurrent changes
///   from many users share one transaction and one WAL sync. A failed commit is fatal (see
///   `failures`): the process stops and recovers from the database.
/// - Reads (dedupe look-ups, sessions not in the cache) use the reader connections of the pool,
///   which WAL lets run beside the writer.
/// - Checkpoints are PASSIVE, run on a separate connection every few hundred commits, never on
///   the commit path (SQLite's own auto-checkpoint is off).
/// - One process per data directory (`store.lock`, an exclusive `flock`).
public final class SQLiteStore: Sendable {
    public struct Options: Sendable {
        /// How long an answered message id is remembered, so that a redelivery is not answered twice.
        public var dedupeRetention: Duration = .seconds(7 * 24 * 3600)
        /// Per-channel overrides of `dedupeRetention`.
        public var dedupeRetentionByChannel: [ChatChannel: Duration] = [:]
        /// How long API replies are kept for idempotent retries.
        public var replyRetention: Duration = .seconds(24 * 3600)
        /// Memory budget of the session cache (estimated bytes).
        public var sessionCacheBytes: Int = 64 << 20
        /// Rows deleted per transaction by background pruning.
        public var pruneBatch: Int = 2000
        /// Commits between two PASSIVE checkpoints.
        public var checkpointEvery: Int = 256
        /// Whether this process owns the data directory (`store.lock`): a server does; a one-shot
        /// command beside a running server does not (it then neither imports the old file store
        /// nor replays the inbox; SQLite's own locking keeps both processes' writes whole).
        public var exclusive = true
        /// Runs before every COMMIT; a throw fails it (fault-injection tests only).
        public var beforeCommit: (@Sendable () throws -> Void)?
        public init() {}

        func retention(for channel: String) -> Duration {
            ChatChannel(rawValue: channel).flatMap { dedupeRetentionByChannel[$0] } ?? dedupeRetention
        }
    }

    /// Unanswered messages known to this process, and session changes waiting for the commit of
    /// the entry that produced them.
    struct Inflight: Sendable {
        enum State: Sendable {
            /// Being looked up in the database by another `record` call.
            case checking
            case pending(InboxEntry, durable: Bool)
        }
        var entries: [String: State] = [:]
        var sessionChanges: [String: [CommitQueue.Change]] = [:]
        var pendingCount = 0
    }

    public static let fileName = "heartline.db"

    public let path: String
    let directory: String
    let pool: DatabasePool
    private let checkpointer: DatabaseQueue
    private let checkpointQueue: DispatchQueue

    let commits: CommitQueue
    let codec = StoreCodec()
    let hasher: any UserKeyHasher
    let options: Options
    let logger: Logger
    let now: @Sendable () -> Date
    private let lock: DirectoryLock?
    let inflight = Mutex(Inflight())
    let cache: Mutex<SessionCache>
    /// Answered ids held in `dedupe` (counted at open, then kept up to date): a gauge, never a scan.
    let keyCounter = Atomic<Int>(0)
    /// Reports the error that stopped the store (once). The maintenance service turns it into a
    /// process stop.
    public let failures: AsyncStream<StoreError>

    public init(
        dataDirectory: String,
        hasher: any UserKeyHasher,
        options: Options = Options(),
        logger: Logger = Logger(label: "heartline.store"),
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        try PosixFile.makeDirectory(dataDirectory)
        self.lock = options.exclusive ? try DirectoryLock(path: dataDirectory + "/store.lock") : nil
        self.directory = dataDirectory
        self.path = dataDirectory + "/" + Self.fileName
        self.hasher = hasher
        self.options = options
        self.logger = logger
        self.now = now
        self.cache = Mutex(SessionCache(budgetBytes: options.sessionCacheBytes))
        // SQLite gives the -wal and -shm files the mode of the database file: create it 0600.
        try PosixFile.touch(path)

        var configuration = Configuration()
        configuration.maximumReaderCount = 4
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
            // After a reset, the WAL file is cut back to this size instead of keeping its peak.
            try db.execute(sql: "PRAGMA journal_size_limit = \(64 << 20)")
        }
        let pool: DatabasePool
        let checkpointer: DatabaseQueue
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try pool.writeWithoutTransaction { try StoreSchema.migrate($0) }
            var checkpointConfiguration = configuration
            checkpointConfiguration.maximumReaderCount = 1
            checkpointer = try DatabaseQueue(path: path, configuration: checkpointConfiguration)
        } catch {
            throw StoreError.unavailable("cannot open \(Self.fileName): \(error)")
        }
        self.pool = pool
        self.checkpointer = checkpointer
        let (failures, reportFailure) = AsyncStream.makeStream(of: StoreError.self, bufferingPolicy: .bufferingNewest(1))
        self.failures = failures
        let checkpointQueue = DispatchQueue(label: "heartline.store.checkpoint")
        self.checkpointQueue = checkpointQueue
        self.commits = CommitQueue(
            writer: pool,
            checkpointEvery: options.checkpointEvery,
            beforeCommit: options.beforeCommit,
            onCheckpointDue: { [schedule = CheckpointSchedule()] in
                // PASSIVE never resets the WAL, and under steady load the next writer always finds
                // frames still in use, so the file grew without bound (2.3 GB in 30 s of the local
                // channel benchmark). Every 4th checkpoint is a RESTART, which waits for readers
                // and lets the next commit write the WAL from its start again.
                let restart = schedule.nextIsRestart()
                checkpointQueue.async { _ = try? checkpointer.writeWithoutTransaction { try $0.checkpoint(restart ? .restart : .passive) } }
            },
            onFatal: { error in
                logger.critical("store commit failed; stopping so that the next start recovers from disk", metadata: ["error": "\(error)"])
                reportFailure.yield(error)
                reportFailure.finish()
            }
        )
        if options.exclusive {
            try FileStoreMigration(store: self).runIfNeeded()
            try loadPending()
        }
    }

    /// The inbox port of this store.
    public var inbox: SQLiteInbox { SQLiteInbox(store: self) }
    /// The session port of this store.
    public var sessions: SQLiteSessionStore { SQLiteSessionStore(store: self) }

    /// The error that stopped the store, if any.
    public var failure: StoreError? { commits.failure }

    /// Runs a PASSIVE checkpoint now (also done every `checkpointEvery` commits).
    public func checkpoint() throws {
        _ = try checkpointer.writeWithoutTransaction { try $0.checkpoint(.passive) }
    }

    /// Reads with one of the reader connections; errors become `StoreError.unavailable`.
    func read<T>(_ what: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch {
            throw StoreError.unavailable("cannot \(what): \(error)")
        }
    }

    private func loadPending() throws {
        let decoder = codec
        let (entries, keys) = try read("read the inbox") { db -> ([InboxEntry], Int) in
            let rows = try Row.fetchAll(db, sql: "SELECT entry FROM inbox")
            let entries = rows.compactMap { row -> InboxEntry? in
                guard let data = row[0] as Data? else { return nil }
                return try? decoder.decode(InboxEntry.self, from: data)
            }
            return (entries, try Int.fetchOne(db, sql: "SELECT count(*) FROM dedupe") ?? 0)
        }
        inflight.withLock { state in
            for entry in entries { state.entries[entry.id] = .pending(entry, durable: true) }
            state.pendingCount = entries.count
        }
        keyCounter.store(keys, ordering: .relaxed)
        logger.info("store opened", metadata: ["store.path": "\(path)", "inbox.pending": "\(entries.count)", "inbox.keys": "\(keys)"])
    }
}

/// Which checkpoint is a RESTART (every 4th); the rest are PASSIVE.
final class CheckpointSchedule: Sendable {
    private let requested = Mutex(0)

    func nextIsRestart() -> Bool {
        requested.withLock { count in
            count += 1
            return count % 4 == 0
        }
    }
}
