import Foundation
import Synchronization

/// What `/readyz` reports: each component says whether it is healthy; the service is ready when
/// all are and it is not shutting down.
public final class Readiness: Sendable {
    private let state = Mutex<(components: [String: Bool], draining: Bool)>(([:], false))

    public init() {}

    public func set(_ component: String, healthy: Bool) {
        state.withLock { $0.components[component] = healthy }
    }

    public func beginDraining() {
        state.withLock { $0.draining = true }
    }

    public var isReady: Bool {
        state.withLock { s in !s.draining && !s.components.isEmpty && s.components.values.allSatisfy { $0 } }
    }

    public var snapshot: (components: [String: Bool], draining: Bool) { state.withLock { $0 } }
}
