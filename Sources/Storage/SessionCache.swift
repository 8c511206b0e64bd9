import ChatCore

/// A session as the store knows it: the turns with the sequence numbers of their rows.
struct StoredSession: Sendable, Equatable {
    var session: Session
    /// `seqs[i]` is the row sequence number of `session.turns[i]`.
    var seqs: [Int64]
    /// The highest sequence number ever used for this user (sequence numbers only grow).
    var lastSeq: Int64

    /// What the entry costs in memory, roughly: text bytes plus fixed overheads.
    var estimatedBytes: Int {
        var bytes = 320
        for turn in session.turns {
            bytes += 96 + turn.question.utf8.count + turn.answer.utf8.count + (turn.answerID?.utf8.count ?? 0)
        }
        for (key, value) in session.flags { bytes += 32 + key.utf8.count + value.utf8.count }
        return bytes
    }
}

/// Sessions recently read or written, bounded by an estimate of their bytes. Two generations: new
/// and used entries go to `young`; when `young` holds half the budget it becomes `old` and the
/// previous `old` is dropped, so a session used within the last half-budget of traffic stays
/// cached. O(1) per operation, no per-entry bookkeeping beyond the size.
struct SessionCache: Sendable {
    private struct Slot: Sendable {
        var value: StoredSession
        var bytes: Int
    }

    let budgetBytes: Int
    private var young: [UserHash: Slot] = [:]
    private var old: [UserHash: Slot] = [:]
    private var youngBytes = 0
    private var oldBytes = 0

    init(budgetBytes: Int) {
        self.budgetBytes = max(0, budgetBytes)
    }

    /// Bytes currently held (estimate).
    var bytes: Int { youngBytes + oldBytes }
    var count: Int { young.count + old.count }

    mutating func get(_ user: UserHash) -> StoredSession? {
        if let slot = young[user] { return slot.value }
        guard let slot = old.removeValue(forKey: user) else { return nil }
        oldBytes -= slot.bytes
        insert(user, slot)
        return slot.value
    }

    mutating func put(_ user: UserHash, _ value: StoredSession) {
        remove(user)
        insert(user, Slot(value: value, bytes: value.estimatedBytes))
    }

    mutating func remove(_ user: UserHash) {
        if let slot = young.removeValue(forKey: user) { youngBytes -= slot.bytes }
        if let slot = old.removeValue(forKey: user) { oldBytes -= slot.bytes }
    }

    mutating func removeAll() {
        young = [:]
        old = [:]
        youngBytes = 0
        oldBytes = 0
    }

    private mutating func insert(_ user: UserHash, _ slot: Slot) {
        let half = budgetBytes / 2
        guard slot.bytes <= half else { return }  // larger than a generation: not cached
        if youngBytes + slot.bytes > half {
            old = young
            oldBytes = youngBytes
            young = [:]
            youngBytes = 0
        }
        young[user] = slot
        youngBytes += slot.bytes
    }
}
