import ChatCore
import Foundation
import Logging
import Storage
import TelegramAdapter

/// Blocked chats and group migrations in `<data>/telegram/<bot>-chats.json` (0600, atomic
/// writes). Blocked chats are stored as keyed hashes: a private chat's id is the user's id.
/// Migrated groups keep their ids in clear (a group id identifies no person, and the new id is
/// needed to send).
public actor TelegramChatStateFile: TelegramChatRegistry {
    struct Contents: Codable {
        /// Hashed chat → seconds since 1970 when the bot was blocked or removed.
        var blocked: [String: Double] = [:]
        /// Old group id → supergroup id.
        var migrated: [String: Int64] = [:]
    }

    public nonisolated let path: String
    private let botKey: String
    private let hasher: any UserKeyHasher
    private let logger: Logger
    private var contents: Contents

    public init(directory: String, botKey: String, hasher: any UserKeyHasher, logger: Logger) throws {
        let path = directory + "/\(botKey)-chats.json"
        var loaded = Contents()
        if let bytes = try DurableFile.read(path, limit: 64 << 20) {
            do {
                loaded = try JSONDecoder().decode(Contents.self, from: Data(bytes))
            } catch {
                // An unreadable state file must not stop the bot: start empty and say so.
                logger.error("telegram chat state unreadable; starting empty", metadata: ["file.path": "\(path)"])
            }
        }
        self.path = path
        self.botKey = botKey
        self.hasher = hasher
        self.logger = logger
        self.contents = loaded
    }

    private func key(_ chatID: Int64) -> String {
        hasher.hashIdentifier("telegram:\(botKey):chat:\(chatID)")
    }

    public func currentChatID(for chatID: Int64) -> Int64 {
        guard !contents.migrated.isEmpty else { return chatID }
        var current = chatID
        // Follow at most a few hops (a group migrates once; guard against a cycle anyway).
        for _ in 0..<4 {
            guard let next = contents.migrated[String(current)], next != current else { break }
            current = next
        }
        return current
    }

    public func recordMigration(from oldChatID: Int64, to newChatID: Int64) {
        guard contents.migrated[String(oldChatID)] != newChatID else { return }
        contents.migrated[String(oldChatID)] = newChatID
        persist()
    }

    public func blockedSince(_ chatID: Int64) -> Date? {
        // Asked before every delivery: skip the keyed hash when nobody blocked the bot.
        guard !contents.blocked.isEmpty else { return nil }
        return contents.blocked[key(chatID)].map { Date(timeIntervalSince1970: $0) }
    }

    public func setBlocked(_ chatID: Int64, at: Date?) {
        if at == nil, contents.blocked.isEmpty { return }
        let k = key(chatID)
        let value = at?.timeIntervalSince1970
        guard contents.blocked[k] != value else { return }
        contents.blocked[k] = value
        persist()
    }

    private func persist() {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try DurableFile.write(Array(try encoder.encode(contents)), to: path)
        } catch {
            logger.error("could not save telegram chat state", metadata: ["error.kind": "\(type(of: error))"])
        }
    }
}
