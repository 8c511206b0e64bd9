import Foundation
import Synchronization

/// What `/readyz` reports: each component says whether it is healthy; the service is ready when
/// all are, none failed recently, and it is not shutting down.
///
/// A failure reported at run time (the inbox refused a write) makes the component `down` for a
/// short window rather than until some later success: a load balancer stops sending traffic to an
/// instance that is not ready, so a success might never come to clear it. After the window the
/// instance is offered traffic again and either works or fails again.
/// Notes (`model: degraded`) are shown but do not make the service unready: a model outage is
/// answered by the fallback chain, and taking every instance out of rotation would only turn
/// calm fallback replies into connection errors.
public final class Readiness: Sendable {
    private struct State {
        var components: [String: Bool] = [:]
        var failingUntil: [String: ContinuousClock.Instant] = [:]
        var notes: [String: String] = [:]
        var draining = false
    }

    private let state = Mutex(State())
    /// The time source for failure windows (tests pass a manual one instead of sleeping).
    private let now: @Sendable () -> ContinuousClock.Instant

    public init(now: @escaping @Sendable () -> ContinuousClock.Instant) {
        self.now = now
    }

    public convenience init() {
        self.init(now: { ContinuousClock.now })
    }

    public func set(_ component: String, healthy: Bool) {
        state.withLock { $0.components[component] = healthy }
    }

    /// The component failed just now: report it down for `window`.
    public func reportFailure(_ component: String, for window: Duration = .seconds(10)) {
        let until = now() + window
        state.withLock { $0.failingUntil[component] = until }
    }

    /// The component worked just now: clear a reported failure early.
    public func reportSuccess(_ component: String) {
        state.withLock { s in
            if s.failingUntil[component] != nil { s.failingUntil[component] = nil }
        }
    }

    /// An informational state (nil clears it) that does not affect readiness.
    public func note(_ component: String, _ text: String?) {
        state.withLock { $0.notes[component] = text }
    }

    public func beginDraining() {
        state.withLock { $0.draining = true }
    }

    public var isReady: Bool {
        let snapshot = snapshot
        return !snapshot.draining && !snapshot.components.isEmpty && snapshot.components.values.allSatisfy { $0 }
    }

    /// Components with recent failures folded in.
    public var snapshot: (components: [String: Bool], draining: Bool) {
        let instant = now()
        return state.withLock { s in
            var components = s.components
            for (component, until) in s.failingUntil where until > instant { components[component] = false }
            return (components, s.draining)
        }
    }

    public var notes: [String: String] { state.withLock { $0.notes } }
}
