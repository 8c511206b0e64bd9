import Foundation

/// Follows a fine-tuning job to its end: prints new events oldest first, polls the job, and
/// rides out dropped connections and server errors with backoff, resuming after the last event
/// it reported (which the caller can persist to resume across runs).
public struct FineTuningFollower: Sendable {
    public var client: OpenAIClient
    public var pollInterval: Duration
    public var maxBackoff: Duration
    /// Consecutive failures tolerated before giving up (0: never give up).
    public var maxConsecutiveFailures: Int
    public var sleep: @Sendable (Duration) async throws -> Void

    public init(
        client: OpenAIClient, pollInterval: Duration = .seconds(15), maxBackoff: Duration = .seconds(120),
        maxConsecutiveFailures: Int = 0, sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.client = client
        self.pollInterval = pollInterval
        self.maxBackoff = maxBackoff
        self.maxConsecutiveFailures = maxConsecutiveFailures
        self.sleep = sleep
    }

    public enum Update: Sendable {
        case event(FineTuningEvent)
        case status(FineTuningJob)
        /// A call failed and will be retried after the given wait.
        case retrying(OpenAIClientError, Duration)
    }

    /// Returns the job in a terminal state. `lastEventID` is updated as events are reported.
    public func follow(jobID: String, lastEventID: inout String?, onUpdate: (Update) -> Void) async throws -> FineTuningJob {
        var failures = 0
        var lastStatus: String?
        while true {
            do {
                let events = try await client.newFineTuningEvents(id: jobID, after: lastEventID)
                for event in events {
                    onUpdate(.event(event))
                    lastEventID = event.id
                }
                let job = try await client.fineTuningJob(id: jobID)
                if job.status != lastStatus {
                    onUpdate(.status(job))
                    lastStatus = job.status
                }
                failures = 0
                if job.isTerminal {
                    // Events written after the last poll (e.g. "New fine-tuned model created").
                    for event in try await client.newFineTuningEvents(id: jobID, after: lastEventID) {
                        onUpdate(.event(event))
                        lastEventID = event.id
                    }
                    return job
                }
                try await sleep(pollInterval)
            } catch let error as OpenAIClientError {
                guard Self.isTransient(error) else { throw error }
                failures += 1
                if maxConsecutiveFailures > 0, failures > maxConsecutiveFailures { throw error }
                let wait = min(maxBackoff, pollInterval * Double(1 << min(failures - 1, 6)))
                onUpdate(.retrying(error, wait))
                try await sleep(wait)
            }
        }
    }

    /// Connection problems, timeouts, rate limits and server errors pass; the rest is final.
    public static func isTransient(_ error: OpenAIClientError) -> Bool {
        switch error {
        case .timeout, .transport, .invalidResponse: true
        case .api(let api): api.status == 408 || api.status == 409 || (api.status == 429 && !api.isQuota) || api.status >= 500
        case .responseTooLarge, .notConfigured: false
        }
    }
}
