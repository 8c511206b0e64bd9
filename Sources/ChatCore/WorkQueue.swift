import Foundation

/// Bounded, per-user ordered work queue. Entries of one user come out one at a time and in order;
/// entries of different users come out in parallel. When full, `enqueue` refuses so that callers
/// can push back (HTTP 503) instead of growing memory without bound.
public actor WorkQueue {
    public enum EnqueueError: Error, Sendable, Equatable {
        case full
        case closed
    }

    private var perUser: [UserHash: [InboxEntry]] = [:]
    /// Users with queued work that nobody is processing, in arrival order.
    private var ready: [UserHash] = []
    private var readyHead = 0
    private var busy: Set<UserHash> = []
    private var queuedIDs: Set<String> = []
    private var waiters: [CheckedContinuation<InboxEntry?, Never>] = []
    private var closed = false
    public let capacity: Int

    public init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    /// Entries waiting (not yet taken by a worker).
    public func depth() -> Int { queuedIDs.count }

    /// When the oldest waiting entry was recorded. Looks at the head of each user's queue, so it
    /// costs one step per user with waiting work (called at metrics scrapes, not per message).
    public func oldestRecordedAt() -> Date? {
        var oldest: Date?
        for entries in perUser.values {
            if let first = entries.first, oldest.map({ first.recordedAt < $0 }) ?? true { oldest = first.recordedAt }
        }
        return oldest
    }

    /// True when a new entry would be accepted now. Checked before recording a message so that a
    /// full service answers 503 without touching the inbox.
    public func hasRoom() -> Bool { !closed && queuedIDs.count < capacity }

    /// Adds an entry. `force` skips the capacity check (replay of recorded entries at start, and
    /// entries already admitted by `hasRoom`). An entry already queued is not added twice.
    public func enqueue(_ entry: InboxEntry, force: Bool = false) throws(EnqueueError) {
        guard !closed else { throw .closed }
        guard force || queuedIDs.count < capacity else { throw .full }
        guard queuedIDs.insert(entry.id).inserted else { return }
        let user = entry.userHash
        let wasIdle = perUser[user, default: []].isEmpty && !busy.contains(user)
        perUser[user, default: []].append(entry)
        if wasIdle { markReady(user) }
    }

    /// The next entry to process, waiting if there is none. Returns nil once the queue is closed
    /// and drained.
    public func next() async -> InboxEntry? {
        if let entry = takeReady() { return entry }
        if closed { return nil }
        return await withCheckedContinuation { waiters.append($0) }
    }

    /// Tells the queue a worker finished `entry`; the user's next entry becomes available.
    public func finished(_ entry: InboxEntry) {
        let user = entry.userHash
        busy.remove(user)
        if let queue = perUser[user], !queue.isEmpty {
            markReady(user)
        } else {
            perUser[user] = nil
            if closed, queuedIDs.isEmpty, busy.isEmpty { wakeAllWithNil() }
        }
    }

    /// Stops accepting entries; workers drain what is queued and then get nil.
    public func close() {
        closed = true
        if queuedIDs.isEmpty { wakeAllWithNil() }
    }

    private func markReady(_ user: UserHash) {
        if !waiters.isEmpty {
            let waiter = waiters.removeFirst()
            waiter.resume(returning: take(user))
        } else {
            ready.append(user)
        }
    }

    private func takeReady() -> InboxEntry? {
        while readyHead < ready.count {
            let user = ready[readyHead]
            readyHead += 1
            if readyHead > 1024, readyHead * 2 > ready.count {
                ready.removeFirst(readyHead)
                readyHead = 0
            }
            if let entry = take(user) { return entry }
        }
        return nil
    }

    private func take(_ user: UserHash) -> InboxEntry? {
        guard var queue = perUser[user], !queue.isEmpty else { return nil }
        let entry = queue.removeFirst()
        perUser[user] = queue
        queuedIDs.remove(entry.id)
        busy.insert(user)
        return entry
    }

    private func wakeAllWithNil() {
        let all = waiters
        waiters.removeAll()
        for waiter in all { waiter.resume(returning: nil) }
    }
}
