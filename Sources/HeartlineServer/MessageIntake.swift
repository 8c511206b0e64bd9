import ChatCore
import Foundation
import Logging

/// The shared front door for every channel: back-pressure check, durable record with dedupe,
/// queueing, and (for synchronous channels) waiting for the reply.
public struct MessageIntake: Sendable {
    public enum Outcome: Sendable {
        /// Recorded now; the workers will answer it.
        case accepted(InboxEntry)
        /// Seen before and still in progress.
        case duplicatePending(id: String)
        /// Seen before and answered (reply kept for API channels).
        case duplicateDone(id: String, reply: Reply?)
    }

    public enum Failure: Error, Sendable {
        case busy
        case storeUnavailable
    }

    public let inbox: any Inbox
    public let queue: any WorkSource
    public let waiters: ReplyWaiters
    public let hasher: any UserKeyHasher
    /// Checked drafts of streamed answers, for synchronous callers that show them as they pass.
    public let drafts: ReplyDraftBoard
    let logger: Logger
    let onDuplicate: @Sendable (ChatChannel) -> Void
    /// Whether the inbox took the last write (readiness).
    let onStoreResult: @Sendable (Bool) -> Void

    public init(
        inbox: any Inbox, queue: any WorkSource, waiters: ReplyWaiters, hasher: any UserKeyHasher, drafts: ReplyDraftBoard = ReplyDraftBoard(),
        logger: Logger = Logger(label: "heartline.intake"), onDuplicate: @escaping @Sendable (ChatChannel) -> Void = { _ in },
        onStoreResult: @escaping @Sendable (Bool) -> Void = { _ in }
    ) {
        self.inbox = inbox
        self.queue = queue
        self.waiters = waiters
        self.hasher = hasher
        self.drafts = drafts
        self.logger = logger
        self.onDuplicate = onDuplicate
        self.onStoreResult = onStoreResult
    }

    /// Records the message durably and queues it. Returns once it is safe to tell the platform the
    /// message was received.
    public func submit(_ message: InboundMessage) async throws(Failure) -> Outcome {
        try await submit(message, id: hasher.inboxID(for: message))
    }

    /// `id` is `hasher.inboxID(for: message)`, computed once by the caller.
    func submit(_ message: InboundMessage, id: String) async throws(Failure) -> Outcome {
        guard await queue.hasRoom() else { throw .busy }
        let userHash = hasher.hash(message.userKey)
        let result: InboxRecordResult
        do {
            result = try await inbox.record(message, userHash: userHash, id: id)
            onStoreResult(true)
        } catch {
            onStoreResult(false)
            logger.error("inbox unavailable", metadata: ["chat.channel": "\(message.channel.rawValue)", "error": "\(error)"])
            throw .storeUnavailable
        }
        switch result {
        case .accepted(let entry):
            do {
                try await queue.submit(entry)
            } catch {
                // Closed for shutdown: the entry is in the inbox and is answered after the restart.
                logger.notice("queue closed; message kept for the next start", metadata: ["chat.channel": "\(message.channel.rawValue)"])
            }
            return .accepted(entry)
        case .duplicatePending(let id):
            onDuplicate(message.channel)
            return .duplicatePending(id: id)
        case .duplicateDone(let id, let reply):
            onDuplicate(message.channel)
            return .duplicateDone(id: id, reply: reply)
        }
    }

    /// The outcome of a synchronous submission.
    public enum SyncResult: Sendable {
        case reply(Reply, duplicate: Bool)
        /// No reply within the timeout; the same message id can be retried to get it.
        case timedOut
        /// A duplicate of a message answered so long ago that its reply is no longer kept.
        case answeredBefore
    }

    /// Submits and waits for the reply (local and mini-program APIs).
    public func submitAndWait(_ message: InboundMessage, timeout: Duration) async throws(Failure) -> SyncResult {
        let (outcome, ticket) = try await submitForReply(message)
        return await reply(to: outcome, ticket: ticket, timeout: timeout)
    }

    /// The first half of `submitAndWait`, for a caller that shows the answer's drafts before it
    /// waits (`drafts.listen` first): records and queues, with a ticket registered before the
    /// submission so a fast reply cannot be missed. Pass the ticket to `reply(to:ticket:timeout:)`.
    public func submitForReply(_ message: InboundMessage) async throws(Failure) -> (outcome: Outcome, ticket: ReplyWaiters.Ticket) {
        let id = hasher.inboxID(for: message)
        let ticket = waiters.register(id)
        do {
            return (try await submit(message, id: id), ticket)
        } catch {
            waiters.release(ticket)
            throw error
        }
    }

    /// The second half of `submitAndWait`: the reply to a submitted message.
    public func reply(to outcome: Outcome, ticket: ReplyWaiters.Ticket, timeout: Duration) async -> SyncResult {
        switch outcome {
        case .accepted:
            return await waiters.wait(ticket, timeout: timeout).map { .reply($0, duplicate: false) } ?? .timedOut
        case .duplicateDone(_, let reply):
            waiters.release(ticket)
            return reply.map { .reply($0, duplicate: true) } ?? .answeredBefore
        case .duplicatePending(let id):
            // It may have completed between the record and now.
            if case .some(.some(let reply)) = try? await inbox.reply(for: id) {
                waiters.release(ticket)
                return .reply(reply, duplicate: true)
            }
            return await waiters.wait(ticket, timeout: timeout).map { .reply($0, duplicate: true) } ?? .timedOut
        }
    }
}
