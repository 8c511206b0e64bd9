import Synchronization

/// Counts of what the safety layer decided, for metrics and `/readyz`-style status. Keys are
/// dotted: `input.crisis`, `blocked.rate_limit`, `output.replaced.promise`.
public final class SafetyCounters: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    public init() {}

    public func increment(_ key: String) {
        counts.withLock { $0[key, default: 0] += 1 }
    }

    public subscript(key: String) -> Int { counts.withLock { $0[key] ?? 0 } }

    public var snapshot: [String: Int] { counts.withLock { $0 } }
}
