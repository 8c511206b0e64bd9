import ChatCore
import Foundation
import Synchronization

/// The local channel's messenger for messages that are not replies: a counsellor's messages and
/// the handoff notices, held until `GET /v1/local/messages?user=…` collects them (the simulator
/// and tests poll it). In memory and bounded: the local channel is for development, and its
/// replies themselves travel in HTTP responses.
public final class LocalOutbox: Messenger, Sendable {
    public struct Pending: Sendable, Codable, Equatable {
        public var text: String
        public var at: Date
    }

    private let pending = Mutex<[String: [Pending]]>([:])
    /// Per user; the oldest are dropped beyond it.
    let capacity: Int
    let now: @Sendable () -> Date

    public init(capacity: Int = 200, now: @escaping @Sendable () -> Date = { Date() }) {
        self.capacity = capacity
        self.now = now
    }

    public func deliver(_ reply: Reply, for message: InboundMessage) async throws {
        let entry = Pending(text: reply.text, at: now())
        pending.withLock { all in
            var list = all[message.chatKey, default: []]
            list.append(entry)
            if list.count > capacity { list.removeFirst(list.count - capacity) }
            all[message.chatKey] = list
        }
    }

    /// Hands out and forgets the user's pending messages, oldest first.
    public func take(_ user: String) -> [Pending] {
        pending.withLock { $0.removeValue(forKey: user) ?? [] }
    }
}
