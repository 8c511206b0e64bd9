import Foundation
import Synchronization

/// What delivery needs to remember about chats: which users blocked the bot (so they are not
/// written to again) and which groups became supergroups (B.1 `migrate_to_chat_id`). The server
/// keeps it in a file; tests use `InMemoryTelegramChatRegistry`.
public protocol TelegramChatRegistry: Sendable {
    /// The chat id to send to now (a migrated group's new id, otherwise `chatID`).
    func currentChatID(for chatID: Int64) async -> Int64
    func recordMigration(from oldChatID: Int64, to newChatID: Int64) async
    /// When the bot was blocked in (or removed from) the chat; nil when it was not, or was let back.
    func blockedSince(_ chatID: Int64) async -> Date?
    /// Records a block (`at` non-nil) or an unblock (`at` nil).
    func setBlocked(_ chatID: Int64, at: Date?) async
}

/// A registry in memory only (tests, one-shot commands).
public final class InMemoryTelegramChatRegistry: TelegramChatRegistry {
    private let state = Mutex<(migrations: [Int64: Int64], blocked: [Int64: Date])>(([:], [:]))

    public init() {}

    public func currentChatID(for chatID: Int64) async -> Int64 {
        state.withLock { $0.migrations[chatID] ?? chatID }
    }

    public func recordMigration(from oldChatID: Int64, to newChatID: Int64) async {
        state.withLock { $0.migrations[oldChatID] = newChatID }
    }

    public func blockedSince(_ chatID: Int64) async -> Date? {
        state.withLock { $0.blocked[chatID] }
    }

    public func setBlocked(_ chatID: Int64, at: Date?) async {
        state.withLock { $0.blocked[chatID] = at }
    }
}
