import Foundation

/// When to try a Bot API call again (B.1, B.9):
/// - 429: wait `parameters.retry_after` seconds (at most `maxFloodWaits` times per call, and only
///   when the wait fits in the call's deadline and under `maxRetryAfter`);
/// - 5xx, timeouts, connection errors: exponential backoff with jitter, `maxRetries` times;
/// - anything else (400, 401, 403, 404, 409): never — retrying cannot help, and a user who
///   blocked the bot must not be written to again.
public struct TelegramRetryPolicy: Sendable, Equatable {
    public var maxRetries: Int
    public var maxFloodWaits: Int
    public var baseDelay: Duration
    public var maxDelay: Duration
    public var maxRetryAfter: Duration

    public init(
        maxRetries: Int = 3, maxFloodWaits: Int = 3, baseDelay: Duration = .milliseconds(500),
        maxDelay: Duration = .seconds(8), maxRetryAfter: Duration = .seconds(120)
    ) {
        self.maxRetries = maxRetries
        self.maxFloodWaits = maxFloodWaits
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// No retries at all (one-shot CLI calls that the operator can repeat).
    public static let none = TelegramRetryPolicy(maxRetries: 0, maxFloodWaits: 0)

    public enum Decision: Sendable, Equatable {
        case retry(after: Duration, floodWait: Bool)
        case stop
    }

    /// `retries` counts backoff retries made so far, `floodWaits` the 429 waits made so far.
    public func decide(
        _ error: TelegramAPIError, retries: Int, floodWaits: Int, jitter: Double = Double.random(in: 0.8...1.0)
    ) -> Decision {
        if let failure = error.failure, failure.code == 429 {
            guard floodWaits < maxFloodWaits else { return .stop }
            // A 429 without retry_after still means "slow down": wait like a backoff, at least 1 s.
            let wait = failure.retryAfter.map { Duration.seconds(max(1, $0)) } ?? max(.seconds(1), backoff(retries, jitter: jitter))
            guard wait <= maxRetryAfter else { return .stop }
            return .retry(after: wait, floodWait: true)
        }
        guard error.isTransient, retries < maxRetries else { return .stop }
        return .retry(after: backoff(retries, jitter: jitter), floodWait: false)
    }

    func backoff(_ retries: Int, jitter: Double) -> Duration {
        let factor = pow(2, Double(min(retries, 16))) * jitter
        let wait = baseDelay * factor
        return min(wait, maxDelay)
    }
}
