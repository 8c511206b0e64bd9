import ChatCore
import Foundation
import Synchronization

/// A token bucket per user for the Q&A API: `perMinute` questions, refilled evenly.
final class MiniProgramRateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let perMinute: Double
    private let now: @Sendable () -> ContinuousClock.Instant
    private let buckets = Mutex<[UserHash: Bucket]>([:])

    init(perMinute: Int, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.perMinute = Double(max(1, perMinute))
        self.now = now
    }

    /// Takes one question's token. Nil when allowed; otherwise how long until one is available.
    func take(_ user: UserHash) -> Duration? {
        let instant = now()
        let perSecond = perMinute / 60
        return buckets.withLock { all -> Duration? in
            if all.count > 100_000 {
                all = all.filter { (instant - $0.value.updated).seconds * perSecond + $0.value.tokens < perMinute }
            }
            var bucket = all[user] ?? Bucket(tokens: perMinute, updated: instant)
            bucket.tokens = min(perMinute, bucket.tokens + (instant - bucket.updated).seconds * perSecond)
            bucket.updated = instant
            defer { all[user] = bucket }
            guard bucket.tokens >= 1 else {
                return .milliseconds(Int64(((1 - bucket.tokens) / perSecond * 1000).rounded(.up)))
            }
            bucket.tokens -= 1
            return nil
        }
    }
}
