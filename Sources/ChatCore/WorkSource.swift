import Foundation

/// Where workers get their next message from. The embedded store uses the in-process `WorkQueue`;
/// the PostgreSQL store claims entries from the shared inbox table so that several instances
/// share the work (one user at a time across all of them).
public protocol WorkSource: Sendable {
    /// Whether a new message would be accepted now (otherwise the caller answers 503).
    func hasRoom() async -> Bool
    /// A message was just recorded in the inbox; make it available to a worker.
    func submit(_ entry: InboxEntry) async throws
    /// The next message to answer; nil once the source is closed and drained.
    func next() async -> InboxEntry?
    /// A worker finished `entry`; the same user's next message may now be handed out.
    func finished(_ entry: InboxEntry) async
    /// Stop handing out new work after what is already queued (graceful shutdown).
    func close() async
    /// Messages waiting for a worker, for metrics and logs.
    func depth() async -> Int
    /// When the oldest waiting message was recorded (nil: none waiting, or not known), for metrics.
    func oldestRecordedAt() async -> Date?
}

extension WorkSource {
    public func oldestRecordedAt() async -> Date? { nil }
}

extension WorkQueue: WorkSource {
    public func submit(_ entry: InboxEntry) throws {
        try enqueue(entry, force: true)
    }
}
