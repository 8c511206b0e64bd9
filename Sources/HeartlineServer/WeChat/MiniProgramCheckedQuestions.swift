import Foundation
import Synchronization

/// Inbox ids of questions this instance has already let through the content check, so a follow-up
/// for an answer still in progress is not checked again (the inbox only tells answered entries
/// apart from unknown ones). Bounded and short-lived: it only spares WeChat calls; a follow-up that
/// reaches another instance, or comes after `lifetime`, is simply checked once more.
final class MiniProgramCheckedQuestions: Sendable {
    private let lifetime: TimeInterval
    private let capacity: Int
    private let entries = Mutex<[String: Date]>([:])

    init(lifetime: Duration = .seconds(600), capacity: Int = 100_000) {
        self.lifetime = lifetime.seconds
        self.capacity = max(1, capacity)
    }

    func contains(_ id: String, now: Date) -> Bool {
        entries.withLock { all in
            guard let at = all[id] else { return false }
            return now.timeIntervalSince(at) < lifetime
        }
    }

    func insert(_ id: String, now: Date) {
        entries.withLock { all in
            if all.count >= capacity {
                all = all.filter { now.timeIntervalSince($0.value) < lifetime }
                if all.count >= capacity { all.removeAll(keepingCapacity: true) }
            }
            all[id] = now
        }
    }
}
