import Foundation
import Logging

/// A fixed pool of workers that take entries from the `WorkQueue`, answer them with the pipeline,
/// deliver the reply through the channel's messenger, mark the inbox entry done and wake any
/// synchronous waiter. Runs until the queue is closed and drained (graceful shutdown).
public struct PipelineWorkers: Sendable {
    public let queue: any WorkSource
    public let waiters: ReplyWaiters
    let pipeline: ConversationPipeline
    let inbox: any Inbox
    let messengers: [ChatChannel: any Messenger]
    let concurrency: Int
    /// Drafts of streamed answers for synchronous callers that listen (the mini-program API).
    let drafts: ReplyDraftBoard?
    let logger: Logger
    let onDelivery: @Sendable (ChatChannel, Result<Void, DeliveryError>) -> Void

    public init(
        queue: any WorkSource,
        waiters: ReplyWaiters,
        pipeline: ConversationPipeline,
        inbox: any Inbox,
        messengers: [ChatChannel: any Messenger],
        concurrency: Int = 64,
        drafts: ReplyDraftBoard? = nil,
        logger: Logger = Logger(label: "heartline.workers"),
        onDelivery: @escaping @Sendable (ChatChannel, Result<Void, DeliveryError>) -> Void = { _, _ in }
    ) {
        self.queue = queue
        self.waiters = waiters
        self.pipeline = pipeline
        self.inbox = inbox
        self.messengers = messengers
        self.concurrency = max(1, concurrency)
        self.drafts = drafts
        self.logger = logger
        self.onDelivery = onDelivery
    }

    /// Queues everything the inbox holds unanswered (after a restart).
    @discardableResult
    public func replayPending() async throws -> Int {
        let entries = try await inbox.pending()
        for entry in entries {
            try? await queue.submit(entry)
        }
        if !entries.isEmpty { logger.info("replaying unanswered messages", metadata: ["inbox.replayed": "\(entries.count)"]) }
        return entries.count
    }

    /// Runs the workers until the queue is closed and empty.
    public func run() async {
        await withDiscardingTaskGroup { group in
            for _ in 0..<concurrency {
                group.addTask {
                    while let entry = await queue.next() {
                        await process(entry)
                        await queue.finished(entry)
                    }
                }
            }
        }
    }

    /// Answers one entry end to end. Never throws. The pipeline runs with `StoreContext.entryID`
    /// set, so that a store may commit the session change together with the completion below.
    public func process(_ entry: InboxEntry) async {
        await StoreContext.$entryID.withValue(entry.id) { await answer(entry) }
    }

    private func answer(_ entry: InboxEntry) async {
        let message = entry.message
        let messenger = messengers[message.channel]
        // A streamed answer's checked drafts: into the chat (Telegram private chats) or to the
        // synchronous caller listening for this entry. nil: the answer is not streamed.
        let sink = messenger?.draftSink(for: message) ?? drafts?.sink(for: entry.id)
        let reply: Reply
        if let messenger, let interval = messenger.typingInterval {
            reply = await withTaskGroup(of: Reply?.self) { group in
                group.addTask {
                    while !Task.isCancelled {
                        await messenger.indicateTyping(for: message)
                        try? await Task.sleep(for: interval)
                    }
                    return nil
                }
                group.addTask { await pipeline.handle(message, userHash: entry.userHash, entryID: entry.id, drafts: sink) }
                var answer: Reply?
                while let next = await group.next() {
                    if let next {
                        answer = next
                        group.cancelAll()
                    }
                }
                return answer ?? Reply(body: "", source: .fixed, deliver: false)
            }
        } else {
            reply = await pipeline.handle(message, userHash: entry.userHash, entryID: entry.id, drafts: sink)
        }
        drafts?.finish(entry.id)

        if let messenger, reply.deliver {
            do {
                try await messenger.deliver(reply, for: message)
                onDelivery(message.channel, .success(()))
            } catch let error as DeliveryError {
                onDelivery(message.channel, .failure(error))
                logger.warning(
                    "delivery failed",
                    metadata: ["chat.channel": "\(message.channel.rawValue)", "chat.user": "\(entry.userHash.short)", "delivery.error": "\(error)"]
                )
            } catch {
                onDelivery(message.channel, .failure(.exhausted(reason: "unexpected")))
                logger.warning("delivery failed", metadata: ["chat.channel": "\(message.channel.rawValue)", "error.kind": "\(type(of: error))"])
            }
        }

        do {
            try await inbox.complete(entry.id, reply: reply)
        } catch {
            // The answer and its turn are not on disk: a synchronous caller gets no reply (it
            // retries with the same id), and the store has stopped the process if it must.
            logger.error("could not mark inbox entry done; it may be answered again after a restart", metadata: ["error.kind": "\(type(of: error))"])
            waiters.resume(entry.id, with: nil)
            return
        }
        waiters.resume(entry.id, with: reply)
    }
}
