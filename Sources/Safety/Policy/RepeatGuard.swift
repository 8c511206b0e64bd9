import ChatCore
import Foundation
import Synchronization

/// Spots flooding: the same message sent again and again, or a long message of one repeated
/// character. Keeps only a hash of recent messages per user, in memory, for a few minutes.
public final class RepeatGuard: Sendable {
    public let maxRepeats: Int
    public let window: TimeInterval
    private let capacity: Int
    private let state = Mutex<[UserHash: [(hash: Int, at: Date)]]>([:])

    public init(maxRepeats: Int = 3, window: TimeInterval = 600, capacity: Int = 100_000) {
        self.maxRepeats = max(maxRepeats, 2)
        self.window = window
        self.capacity = capacity
    }

    /// Records the message; true when it is one repeat too many or a character flood.
    public func isFlood(_ text: String, user: UserHash, at now: Date) -> Bool {
        let folded = text.filter { !$0.isWhitespace }
        if folded.count >= 200, Set(folded).count <= 3 { return true }
        var hasher = Hasher()
        hasher.combine(folded)
        let hash = hasher.finalize()
        return state.withLock { users in
            var recent = (users[user] ?? []).filter { now.timeIntervalSince($0.at) < window }
            recent.append((hash, now))
            if recent.count > 20 { recent.removeFirst(recent.count - 20) }
            if users[user] == nil, users.count >= capacity {
                users = users.filter { now.timeIntervalSince($0.value.last?.at ?? .distantPast) < window }
            }
            users[user] = recent
            return recent.filter { $0.hash == hash }.count > maxRepeats
        }
    }

    public func forget(_ user: UserHash) {
        state.withLock { _ = $0.removeValue(forKey: user) }
    }
}
