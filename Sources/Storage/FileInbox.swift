import ChatCore
import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The durable inbox of the file store: an append-only log (`<data>/inbox/inbox.log`, JSON lines,
/// mode 0600) plus an in-memory index rebuilt from it at start.
///
/// - `record` returns after the entry is fsync'd (group commit: concurrent records share one
///   `fdatasync`), so a platform may be acknowledged as soon as it returns.
/// - Dedupe keys survive restarts for `dedupeRetention` (default 7 days, bounded by `maxKeys`).
/// - Replies to API messages are kept for `replyRetention` so an idempotent retry gets the same
///   answer; push-channel replies are not stored.
/// - The log is rewritten (compacted) at start, when it grows past `compactionBytes`, and after
///   `/forget`, so answered message text does not linger on disk.
public final class FileInbox: Inbox {
    public struct Options: Sendable {
        public var dedupeRetention: Duration = .seconds(7 * 24 * 3600)
        public var replyRetention: Duration = .seconds(24 * 3600)
        public var maxKeys: Int = 1_000_000
        public var compactionBytes: Int = 32 << 20
        public init() {}
    }

    enum State: Sendable {
        case pending(InboxEntry)
        case done(at: Date, reply: Reply?)
    }

    struct Item: Sendable {
        var state: State
        var user: UserHash?
    }

    struct Index: Sendable {
        var items: [String: Item] = [:]
        var pendingCount = 0
    }

    /// One line of the log.
    struct Record: Codable, Sendable {
        /// a = accepted, d = done, k = dedupe key only (compacted), p = purge user.
        var t: String
        var id: String?
        var u: String?
        var at: Double?
        var e: InboxEntry?
        var r: Reply?
    }

    public let path: String
    private let directory: String
    private let hasher: any UserKeyHasher
    private let options: Options
    private let logger: Logger
    private let index = Mutex(Index())
    private let log: LogFile
    private let committer: GroupCommitter<[UInt8]>
    private let now: @Sendable () -> Date
    private let lock: DirectoryLock
    /// Compaction bookkeeping. A rewrite blocks commits while it runs, so it must be worth it:
    /// pending entries survive it unchanged, only answered ones shrink. The log is compacted when
    /// it grew by `compactionBytes` since the last compaction (and passed `compactionBytes`) and at
    /// least as many entries were answered since then as are still pending — or, as a safety
    /// valve, when it is four times its size after the last compaction. Without this, a backlog
    /// larger than `compactionBytes` (~68k pushes while the model is slow or down) made every
    /// record rewrite the whole log.
    private struct Compaction {
        var running = false
        var baseline = 0
        var completedSince = 0
    }
    private let compaction = Mutex(Compaction())

    public init(
        dataDirectory: String,
        hasher: any UserKeyHasher,
        options: Options = Options(),
        logger: Logger = Logger(label: "heartline.store.inbox"),
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        let directory = dataDirectory + "/inbox"
        try PosixFile.makeDirectory(directory)
        self.lock = try DirectoryLock(path: directory + "/lock")
        self.directory = directory
        self.path = directory + "/inbox.log"
        self.hasher = hasher
        self.options = options
        self.logger = logger
        self.now = now
        let log = LogFile(path: path, directory: directory)
        self.log = log
        self.committer = GroupCommitter(label: "heartline.inbox.commit") { batch in
            try log.append(batch)
        }
        let (loaded, stats) = try Self.load(path: path, now: now(), options: options)
        index.withLock { $0 = loaded }
        try log.rewrite(Self.snapshot(loaded, now: now(), options: options))
        compaction.withLock { $0.baseline = log.size }
        if stats.torn > 0 || stats.bad > 0 {
            logger.warning("inbox log had unreadable lines; they were dropped", metadata: ["inbox.torn": "\(stats.torn)", "inbox.bad": "\(stats.bad)"])
        }
        logger.info("inbox loaded", metadata: ["inbox.pending": "\(loaded.pendingCount)", "inbox.keys": "\(loaded.items.count)"])
    }

    public func record(_ message: InboundMessage, userHash: UserHash) async throws -> InboxRecordResult {
        let id = hasher.inboxID(for: message)
        let at = now()
        let entry = InboxEntry(id: id, userHash: userHash, message: message, recordedAt: at)
        let existing = index.withLock { idx -> InboxRecordResult? in
            switch idx.items[id]?.state {
            case .pending: return .duplicatePending(id: id)
            case .done(_, let reply): return .duplicateDone(id: id, reply: reply)
            case nil:
                idx.items[id] = Item(state: .pending(entry), user: userHash)
                idx.pendingCount += 1
                return nil
            }
        }
        if let existing { return existing }
        do {
            try await committer.submit(Self.encode(Record(t: "a", id: id, at: at.timeIntervalSince1970, e: entry)))
        } catch {
            index.withLock { idx in
                if idx.items.removeValue(forKey: id) != nil { idx.pendingCount -= 1 }
            }
            throw StoreError.unavailable("cannot record message: \(error)")
        }
        await compactIfNeeded()
        return .accepted(entry)
    }

    public func complete(_ id: String, reply: Reply?) async throws {
        let at = now()
        let kept = index.withLock { idx -> Reply?? in
            guard var item = idx.items[id], case .pending(let entry) = item.state else { return .none }
            let keep = Self.keepsReply(entry.message.channel) ? reply : nil
            item.state = .done(at: at, reply: keep)
            idx.items[id] = item
            idx.pendingCount -= 1
            return .some(keep)
        }
        guard case .some(let storedReply) = kept else { return }
        compaction.withLock { $0.completedSince += 1 }
        do {
            try await committer.submit(Self.encode(Record(t: "d", id: id, at: at.timeIntervalSince1970, r: storedReply)))
        } catch {
            throw StoreError.unavailable("cannot mark message answered: \(error)")
        }
    }

    public func pending() async throws -> [InboxEntry] {
        index.withLock { idx in
            idx.items.values.compactMap { item -> InboxEntry? in
                if case .pending(let entry) = item.state { return entry }
                return nil
            }
        }.sorted { $0.recordedAt < $1.recordedAt }
    }

    public func reply(for id: String) async throws -> Reply?? {
        index.withLock { idx in
            guard case .done(_, let reply) = idx.items[id]?.state else { return .none }
            return .some(reply)
        }
    }

    public func purge(_ user: UserHash, keeping: String?) async throws {
        index.withLock { idx in
            for (id, item) in idx.items where item.user == user && id != keeping {
                if case .done(let at, _) = item.state {
                    idx.items[id] = Item(state: .done(at: at, reply: nil), user: nil)
                }
            }
        }
        do {
            try await committer.submit(Self.encode(Record(t: "p", u: user.value)))
            try await compact()
        } catch {
            throw StoreError.unavailable("cannot purge inbox: \(error)")
        }
    }

    /// Counts for metrics: entries waiting for an answer and the age of the oldest one.
    public func stats() -> (pending: Int, oldest: Date?) {
        index.withLock { idx in
            var oldest: Date?
            for item in idx.items.values {
                if case .pending(let entry) = item.state, oldest.map({ entry.recordedAt < $0 }) ?? true { oldest = entry.recordedAt }
            }
            return (idx.pendingCount, oldest)
        }
    }

    /// Keys held in memory: unanswered entries, dedupe keys and kept replies (bounded by
    /// `maxKeys` plus a tenth before compaction prunes). For metrics and tests.
    public var keyCount: Int {
        index.withLock { $0.items.count }
    }

    /// Rewrites the log with what is still needed: pending entries, dedupe keys within retention,
    /// and kept replies. Runs between commit batches.
    public func compact() async throws {
        let options = options
        let at = now()
        let snapshot = index.withLock { idx -> [Record] in
            Self.prune(&idx, now: at, options: options)
            return Self.snapshot(idx, now: at, options: options)
        }
        let log = log
        try await committer.exclusive { try log.rewrite(snapshot) }
    }

    private func compactIfNeeded() async {
        let size = log.size
        let (keys, pendingCount) = index.withLock { ($0.items.count, $0.pendingCount) }
        let options = options
        let due = compaction.withLock { c -> Bool in
            let worthIt = c.completedSince > 0 && c.completedSince >= pendingCount
            let grown = (worthIt && size > max(options.compactionBytes, c.baseline + options.compactionBytes))
                || size > 4 * max(options.compactionBytes, c.baseline)
            let tooManyKeys = keys > options.maxKeys + options.maxKeys / 10 && size > c.baseline + (1 << 20)
            guard !c.running, grown || tooManyKeys else { return false }
            c.running = true
            c.completedSince = 0
            return true
        }
        guard due else { return }
        do {
            try await compact()
        } catch {
            logger.error("inbox compaction failed", metadata: ["error": "\(error)"])
        }
        let after = log.size
        compaction.withLock { c in
            c.running = false
            c.baseline = after
        }
    }

    // MARK: Loading and snapshots

    static func keepsReply(_ channel: ChatChannel) -> Bool { channel == .local || channel == .miniprogram }

    static func encode(_ record: Record) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        encoder.outputFormatting = [.withoutEscapingSlashes]
        var bytes = try [UInt8](encoder.encode(record))
        bytes.append(0x0A)
        return bytes
    }

    struct LoadStats { var torn = 0; var bad = 0 }

    static func load(path: String, now: Date, options: Options) throws -> (Index, LoadStats) {
        var idx = Index()
        var stats = LoadStats()
        guard let bytes = try PosixFile.read(path, limit: Int.max) else { return (idx, stats) }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        var start = 0
        while start < bytes.count {
            guard let end = bytes[start...].firstIndex(of: 0x0A) else {
                stats.torn += 1  // a write cut short by a crash; it was never acknowledged
                break
            }
            defer { start = end + 1 }
            guard end > start else { continue }
            guard let record = try? decoder.decode(Record.self, from: Data(bytes[start..<end])) else {
                stats.bad += 1
                continue
            }
            apply(record, to: &idx)
        }
        prune(&idx, now: now, options: options)
        return (idx, stats)
    }

    static func apply(_ record: Record, to idx: inout Index) {
        switch record.t {
        case "a":
            guard let entry = record.e, idx.items[entry.id] == nil else { return }
            idx.items[entry.id] = Item(state: .pending(entry), user: entry.userHash)
            idx.pendingCount += 1
        case "d":
            guard let id = record.id, let at = record.at else { return }
            let user = idx.items[id]?.user
            if case .pending = idx.items[id]?.state { idx.pendingCount -= 1 }
            idx.items[id] = Item(state: .done(at: Date(timeIntervalSince1970: at), reply: record.r), user: user)
        case "k":
            guard let id = record.id, let at = record.at, idx.items[id] == nil else { return }
            idx.items[id] = Item(state: .done(at: Date(timeIntervalSince1970: at), reply: record.r), user: record.u.map(UserHash.init))
        case "p":
            guard let user = record.u.map(UserHash.init) else { return }
            for (id, item) in idx.items where item.user == user {
                if case .done(let at, _) = item.state { idx.items[id] = Item(state: .done(at: at, reply: nil), user: nil) }
            }
        default:
            break
        }
    }

    /// Drops dedupe keys past retention, replies past their retention, and the oldest keys beyond
    /// `maxKeys`. Pending entries are never dropped.
    static func prune(_ idx: inout Index, now: Date, options: Options) {
        let keyCutoff = now.addingTimeInterval(-options.dedupeRetention.seconds)
        let replyCutoff = now.addingTimeInterval(-options.replyRetention.seconds)
        var done: [(String, Date)] = []
        for (id, item) in idx.items {
            guard case .done(let at, let reply) = item.state else { continue }
            if at < keyCutoff {
                idx.items[id] = nil
                continue
            }
            if reply != nil, at < replyCutoff { idx.items[id] = Item(state: .done(at: at, reply: nil), user: item.user) }
            done.append((id, at))
        }
        let excess = idx.items.count - options.maxKeys
        if excess > 0 {
            for (id, _) in done.sorted(by: { $0.1 < $1.1 }).prefix(excess) { idx.items[id] = nil }
        }
    }

    static func snapshot(_ idx: Index, now: Date, options: Options) -> [Record] {
        var records: [Record] = []
        records.reserveCapacity(idx.items.count)
        for (id, item) in idx.items {
            switch item.state {
            case .pending(let entry):
                records.append(Record(t: "a", id: id, at: entry.recordedAt.timeIntervalSince1970, e: entry))
            case .done(let at, let reply):
                records.append(Record(t: "k", id: id, u: reply == nil ? nil : item.user?.value, at: at.timeIntervalSince1970, r: reply))
            }
        }
        return records
    }
}
