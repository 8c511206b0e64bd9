import ChatCore
import Foundation
import Synchronization

/// Per-user token buckets: a short one (default 10 messages a minute) and a long one (200 a day).
/// Time comes from the caller (the pipeline's injected clock), so tests step it by hand.
public final class RateLimiter: Sendable {
    public struct Limits: Sendable, Equatable {
        public var perMinute: Int
        public var perDay: Int

        public init(perMinute: Int = 10, perDay: Int = 200) {
            self.perMinute = perMinute
            self.perDay = perDay
        }
    }

    public enum Decision: Sendable, Equatable {
        case allowed
        /// Over the limit; a token is back after `retryAfter` seconds.
        case limited(retryAfter: TimeInterval)
    }

    private struct Buckets {
        var minute: Double
        var day: Double
        var updated: Date
    }

    public let limits: Limits
    /// Users tracked at most; idle users (full buckets) are dropped first when it is reached.
    private let capacity: Int
    private let state = Mutex<[UserHash: Buckets]>([:])

    public init(limits: Limits = Limits(), capacity: Int = 100_000) {
        self.limits = limits
        self.capacity = max(capacity, 1)
    }

    /// Takes one token from each bucket, or reports when the next one is available.
    public func consume(_ user: UserHash, at now: Date) -> Decision {
        let minuteRate = Double(limits.perMinute) / 60
        let dayRate = Double(limits.perDay) / 86_400
        return state.withLock { users in
            var buckets = users[user] ?? Buckets(minute: Double(limits.perMinute), day: Double(limits.perDay), updated: now)
            let elapsed = max(now.timeIntervalSince(buckets.updated), 0)
            buckets.minute = min(Double(limits.perMinute), buckets.minute + elapsed * minuteRate)
            buckets.day = min(Double(limits.perDay), buckets.day + elapsed * dayRate)
            buckets.updated = now
            defer {
                if users[user] == nil, users.count >= capacity { prune(&users, now: now) }
                users[user] = buckets
            }
            if buckets.minute >= 1, buckets.day >= 1 {
                buckets.minute -= 1
                buckets.day -= 1
                return .allowed
            }
            let waitMinute = buckets.minute >= 1 ? 0 : (1 - buckets.minute) / minuteRate
            let waitDay = buckets.day >= 1 ? 0 : (1 - buckets.day) / dayRate
            return .limited(retryAfter: max(waitMinute, waitDay))
        }
    }

    public func forget(_ user: UserHash) {
        state.withLock { _ = $0.removeValue(forKey: user) }
    }

    var trackedUsers: Int { state.withLock { $0.count } }

    /// Drops users whose buckets would be full again (they lose nothing), then the oldest half.
    private func prune(_ users: inout [UserHash: Buckets], now: Date) {
        users = users.filter { now.timeIntervalSince($0.value.updated) < 86_400 }
        if users.count >= capacity {
            let keep = users.sorted { $0.value.updated > $1.value.updated }.prefix(capacity / 2)
            users = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
        }
    }
}
