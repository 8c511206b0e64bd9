/// When and how long to wait before retrying an OpenAI-compatible request; the official SDK's
/// policy: retry connection errors, timeouts, 408, 409, 429 (not `insufficient_quota`) and 5xx;
/// `x-should-retry` overrides; wait `retry-after-ms` / `retry-after` when 0 < value ≤ 120 s,
/// otherwise `min(0.5 s × 2^attempt, 8 s)` × jitter 0.75…1.
public struct RetryPolicy: Sendable {
    public var maxRetries: Int

    public init(maxRetries: Int) {
        self.maxRetries = maxRetries
    }

    public enum Decision: Sendable, Equatable {
        case retry(after: Duration)
        case stop
    }

    /// `attempt` counts retries already made (0 before the first retry).
    public func decide(
        status: Int?, errorIsQuota: Bool, headers: [String: String], attempt: Int,
        jitter: Double = Double.random(in: 0.75...1.0)
    ) -> Decision {
        guard attempt < maxRetries else { return .stop }
        if let override = headers["x-should-retry"]?.lowercased() {
            if override == "false" { return .stop }
            if override == "true" { return .retry(after: wait(headers: headers, attempt: attempt, jitter: jitter) ?? .zero) }
        }
        if let status {
            let retryable = status == 408 || status == 409 || (status == 429 && !errorIsQuota) || status >= 500
            guard retryable else { return .stop }
        }
        guard let delay = wait(headers: headers, attempt: attempt, jitter: jitter) else { return .stop }
        return .retry(after: delay)
    }

    /// The wait before the next attempt; nil when the server asks for more than 120 s.
    func wait(headers: [String: String], attempt: Int, jitter: Double) -> Duration? {
        if let ms = headers["retry-after-ms"].flatMap(Double.init), ms > 0 {
            return ms <= 120_000 ? .milliseconds(Int64(ms)) : nil
        }
        if let value = headers["retry-after"] {
            if let seconds = Double(value.trimmingCharacters(in: .whitespaces)) {
                if seconds > 0 { return seconds <= 120 ? .milliseconds(Int64(seconds * 1000)) : nil }
            }
        }
        let base = min(0.5 * pow(2, Double(attempt)), 8) * jitter
        return .milliseconds(Int64(base * 1000))
    }
}

import Foundation
