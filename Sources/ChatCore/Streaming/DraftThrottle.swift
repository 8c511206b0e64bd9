import Synchronization

/// Lets at most one draft through per interval for one reply (platforms ask for about one
/// message per second per chat). A draft that is held back is dropped, not queued: every draft
/// carries the whole answer so far, so the next one that passes shows everything, and the final
/// message follows anyway. The first draft always passes, so the first sentence shows at once.
public final class DraftThrottle: Sendable {
    public let interval: Duration
    private let last = Mutex<ContinuousClock.Instant?>(nil)
    private let now: @Sendable () -> ContinuousClock.Instant

    public init(interval: Duration = .seconds(1), now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.interval = interval
        self.now = now
    }

    /// True when a draft may be sent now (and counts it as sent).
    public func admit() -> Bool {
        let instant = now()
        return last.withLock { last in
            if let previous = last, instant - previous < interval { return false }
            last = instant
            return true
        }
    }
}
