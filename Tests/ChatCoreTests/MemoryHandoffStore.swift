import Foundation
import Synchronization
@testable import ChatCore

/// Handoffs in memory, with the store port's semantics (conditional update, messages keyed by
/// id); can be told to fail.
final class MemoryHandoffStore: HandoffStore, Sendable {
    struct State {
        var handoffs: [String: Handoff] = [:]
        var messages: [String: [HandoffMessage]] = [:]
    }

    let state = Mutex(State())
    let failing = Mutex(false)

    private func check() throws {
        if failing.withLock({ $0 }) { throw StoreError.unavailable("test") }
    }

    func active(for user: UserHash) async throws -> Handoff? {
        try check()
        return state.withLock { s in
            s.handoffs.values.filter { $0.userHash == user && $0.status != .closed }.max { $0.updatedAt < $1.updatedAt }
        }
    }

    func latest(for user: UserHash) async throws -> Handoff? {
        try check()
        return state.withLock { s in s.handoffs.values.filter { $0.userHash == user }.max { $0.updatedAt < $1.updatedAt } }
    }

    func handoff(id: String, messageLimit: Int) async throws -> Handoff? {
        try check()
        return state.withLock { s in
            guard var handoff = s.handoffs[id] else { return nil }
            handoff.messages = Array((s.messages[id] ?? []).suffix(messageLimit))
            return handoff
        }
    }

    func list(statuses: Set<Handoff.Status>, limit: Int, messageLimit: Int) async throws -> [Handoff] {
        try check()
        return state.withLock { s in
            s.handoffs.values.filter { statuses.contains($0.status) }.sorted { $0.updatedAt > $1.updatedAt }.prefix(limit).map { h in
                var handoff = h
                handoff.messages = Array((s.messages[h.id] ?? []).suffix(messageLimit))
                return handoff
            }
        }
    }

    func insert(_ handoff: Handoff) async throws {
        try check()
        state.withLock { $0.handoffs[handoff.id] = handoff }
    }

    func update(_ handoff: Handoff, expecting: Handoff.Status) async throws -> Bool {
        try check()
        return state.withLock { s in
            guard s.handoffs[handoff.id]?.status == expecting else { return false }
            var stored = handoff
            stored.messages = []
            s.handoffs[handoff.id] = stored
            return true
        }
    }

    func append(_ message: HandoffMessage, to handoffID: String) async throws {
        try check()
        state.withLock { s in
            guard s.handoffs[handoffID] != nil, !(s.messages[handoffID] ?? []).contains(where: { $0.id == message.id }) else { return }
            s.messages[handoffID, default: []].append(message)
        }
    }

    func delete(_ user: UserHash) async throws {
        try check()
        state.withLock { s in
            for (id, handoff) in s.handoffs where handoff.userHash == user {
                s.handoffs[id] = nil
                s.messages[id] = nil
            }
        }
    }

    var all: [Handoff] { state.withLock { Array($0.handoffs.values) } }
    func messages(_ id: String) -> [HandoffMessage] { state.withLock { $0.messages[id] ?? [] } }
}

/// A clock the test moves by hand.
final class TestClock: Sendable {
    let current = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
    var now: Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}
