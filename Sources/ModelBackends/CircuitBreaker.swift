import Foundation

/// Skips a failing model for a cool-down: after `threshold` consecutive failures the circuit opens;
/// after `coolDown` one trial call is let through (half-open); success closes it again.
public actor CircuitBreaker {
    public enum State: Sendable, Equatable {
        case closed
        case open(until: ContinuousClock.Instant)
        case halfOpen
    }

    public private(set) var state: State = .closed
    private var consecutiveFailures = 0
    private var trialInFlight = false
    public let threshold: Int
    public let coolDown: Duration
    private let clock: any Clock<Duration>
    private let now: @Sendable () -> ContinuousClock.Instant

    public init(threshold: Int = 5, coolDown: Duration = .seconds(30), now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.threshold = max(1, threshold)
        self.coolDown = coolDown
        self.clock = ContinuousClock()
        self.now = now
    }

    /// Whether a call may go to the model now. In half-open state only one trial is allowed.
    public func allowsCall() -> Bool {
        switch state {
        case .closed:
            return true
        case .open(let until):
            guard now() >= until else { return false }
            state = .halfOpen
            trialInFlight = true
            return true
        case .halfOpen:
            guard !trialInFlight else { return false }
            trialInFlight = true
            return true
        }
    }

    public func recordSuccess() {
        consecutiveFailures = 0
        trialInFlight = false
        state = .closed
    }

    public func recordFailure() {
        trialInFlight = false
        consecutiveFailures += 1
        if state == .halfOpen || consecutiveFailures >= threshold {
            state = .open(until: now() + coolDown)
        }
    }

    public var isOpen: Bool {
        if case .open(let until) = state { return now() < until }
        return false
    }
}
