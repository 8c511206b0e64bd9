import Foundation
import Synchronization

/// Lets a synchronous caller (the local API, the mini-program ask API) wait for the reply to an
/// inbox entry that the workers process. Register first (so a reply that arrives before the caller
/// starts waiting is kept), then wait with a deadline; task cancellation is honoured.
public final class ReplyWaiters: Sendable {
    public struct Ticket: Sendable, Hashable {
        public let id: String
        fileprivate let token: UInt64
    }

    private enum Slot {
        case registered
        case waiting(CheckedContinuation<Reply?, Never>)
        case done(Reply?)
    }

    private struct State {
        var slots: [String: [UInt64: Slot]] = [:]
        var nextToken: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Registers interest in the reply to `id`. Every ticket must be passed to `wait` once.
    public func register(_ id: String) -> Ticket {
        state.withLock { s in
            s.nextToken += 1
            s.slots[id, default: [:]][s.nextToken] = .registered
            return Ticket(id: id, token: s.nextToken)
        }
    }

    /// Waits for the reply, returning nil after `timeout` or on cancellation.
    public func wait(_ ticket: Ticket, timeout: Duration) async -> Reply? {
        let result = await withTaskGroup(of: Reply??.self) { group in
            group.addTask { .some(await self.waitIndefinitely(ticket)) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return .none
            }
            let first = await group.next() ?? .none
            group.cancelAll()
            return first
        }
        remove(ticket)
        return result ?? nil
    }

    /// Delivers the reply to every ticket registered for `id`.
    public func resume(_ id: String, with reply: Reply?) {
        let continuations = state.withLock { s -> [CheckedContinuation<Reply?, Never>] in
            guard var slots = s.slots[id] else { return [] }
            var toResume: [CheckedContinuation<Reply?, Never>] = []
            for (token, slot) in slots {
                switch slot {
                case .waiting(let c):
                    toResume.append(c)
                    slots[token] = nil
                case .registered:
                    slots[token] = .done(reply)
                case .done:
                    break
                }
            }
            s.slots[id] = slots.isEmpty ? nil : slots
            return toResume
        }
        for continuation in continuations { continuation.resume(returning: reply) }
    }

    /// Whether anyone registered for the reply to `id` (a store shared by several instances asks
    /// before fetching a reply that another instance produced).
    public func isWaiting(for id: String) -> Bool {
        state.withLock { $0.slots[id] != nil }
    }

    /// Number of registered tickets (for tests and metrics).
    public var count: Int { state.withLock { $0.slots.values.reduce(0) { $0 + $1.count } } }

    private func waitIndefinitely(_ ticket: Ticket) async -> Reply? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Reply?, Never>) in
                let immediate = state.withLock { s -> Reply?? in
                    switch s.slots[ticket.id]?[ticket.token] {
                    case .done(let reply):
                        s.slots[ticket.id]?[ticket.token] = nil
                        return .some(reply)
                    case .registered:
                        if Task.isCancelled { return .some(nil) }
                        s.slots[ticket.id]?[ticket.token] = .waiting(continuation)
                        return .none
                    case .waiting, nil:
                        return .some(nil)
                    }
                }
                if let reply = immediate { continuation.resume(returning: reply) }
            }
        } onCancel: {
            let continuation = state.withLock { s -> CheckedContinuation<Reply?, Never>? in
                guard case .waiting(let c) = s.slots[ticket.id]?[ticket.token] else { return nil }
                s.slots[ticket.id]?[ticket.token] = .registered
                return c
            }
            continuation?.resume(returning: nil)
        }
    }

    /// Gives up a ticket without waiting.
    public func release(_ ticket: Ticket) {
        remove(ticket)
    }

    private func remove(_ ticket: Ticket) {
        state.withLock { s in
            s.slots[ticket.id]?[ticket.token] = nil
            if s.slots[ticket.id]?.isEmpty == true { s.slots[ticket.id] = nil }
        }
    }
}
