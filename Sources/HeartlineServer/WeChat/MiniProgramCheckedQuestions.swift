import ChatCore
import Foundation
import Synchronization

/// Inbox ids of questions this instance has already let through the content check, so a follow-up
/// for an answer still in progress is not checked again (the inbox only tells answered entries
/// apart from unknown ones). Bounded and short-lived: it only spares WeChat calls; a follow-up that
/// reaches another instance, or comes after `lifetime`, is simply checked once more.
final class MiniProgramCheckedQuestions: Sendable {
    private let lifetime: TimeInterval
    private let capacity: Int
    private struct Entry {
        var at: Date
        /// The check said `review`: the answer gets the support resources.
        var care: Bool
    }

    private let entries = Mutex<[String: Entry]>([:])

    init(lifetime: Duration = .seconds(600), capacity: Int = 100_000) {
        self.lifetime = lifetime.seconds
        self.capacity = max(1, capacity)
    }

    /// Nil when not checked here (recently); otherwise whether the check asked for care.
    func lookup(_ id: String, now: Date) -> Bool? {
        entries.withLock { all in
            guard let entry = all[id], now.timeIntervalSince(entry.at) < lifetime else { return nil }
            return entry.care
        }
    }

    func insert(_ id: String, care: Bool, now: Date) {
        entries.withLock { all in
            if all.count >= capacity {
                all = all.filter { now.timeIntervalSince($0.value.at) < lifetime }
                if all.count >= capacity { all.removeAll(keepingCapacity: true) }
            }
            all[id] = Entry(at: now, care: care)
        }
    }
}
