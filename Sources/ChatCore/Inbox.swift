import Foundation

/// A message held by the durable inbox until it has been answered.
public struct InboxEntry: Sendable, Codable, Equatable {
    /// Keyed hash of the message's dedupe key; unique in the inbox.
    public var id: String
    public var userHash: UserHash
    public var message: InboundMessage
    public var recordedAt: Date
    /// How many times processing started (more than one means it was replayed after a crash).
    public var attempts: Int

    public init(id: String, userHash: UserHash, message: InboundMessage, recordedAt: Date, attempts: Int = 0) {
        self.id = id
        self.userHash = userHash
        self.message = message
        self.recordedAt = recordedAt
        self.attempts = attempts
    }
}

/// The result of recording a message.
public enum InboxRecordResult: Sendable, Equatable {
    /// New message, durably recorded.
    case accepted(InboxEntry)
    /// Seen before and still being processed.
    case duplicatePending(id: String)
    /// Seen before and already answered; the reply is kept for idempotent API callers when the
    /// store retains it (it may be nil).
    case duplicateDone(id: String, reply: Reply?)
}

/// Durable inbox with dedupe. `record` returns only after the message is on stable storage, so a
/// platform may be told "received" as soon as it returns.
public protocol Inbox: Sendable {
    func record(_ message: InboundMessage, userHash: UserHash) async throws -> InboxRecordResult
    /// The same, with the inbox id already computed by the caller (`UserKeyHasher.inboxID`), so
    /// that a message's id is hashed once on the hot path.
    func record(_ message: InboundMessage, userHash: UserHash, id: String) async throws -> InboxRecordResult
    /// Marks an entry answered. `reply` is kept (for idempotent API retries) for a bounded time.
    func complete(_ id: String, reply: Reply?) async throws
    /// Entries recorded but not completed (to be replayed after a restart).
    func pending() async throws -> [InboxEntry]
    /// The stored reply for a completed entry, if any.
    func reply(for id: String) async throws -> Reply??
    /// Removes every trace of the user's messages (for `/forget`), except the completion marker of
    /// the entry with `keeping` (the `/forget` command itself, so it is not replayed).
    func purge(_ user: UserHash, keeping: String?) async throws
}

extension Inbox {
    public func record(_ message: InboundMessage, userHash: UserHash, id: String) async throws -> InboxRecordResult {
        try await record(message, userHash: userHash)
    }
}
