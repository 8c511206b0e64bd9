import Foundation

/// Who this bot is: its id (from the token) and, once known, its username. The username decides
/// which `/cmd@name` commands and `@name` mentions are ours.
public struct TelegramBotIdentity: Sendable, Equatable {
    public var id: Int64
    /// Without the leading `@`; nil until configured or learned from `getMe`.
    public var username: String?

    public init(id: Int64, username: String? = nil) {
        self.id = id
        let trimmed = username?.trimmingCharacters(in: .whitespaces)
        let bare = trimmed.map { $0.hasPrefix("@") ? String($0.dropFirst()) : $0 }
        self.username = (bare?.isEmpty ?? true) ? nil : bare
    }

    /// Names the bot in dedupe keys and user keys. The numeric id never changes, unlike a
    /// username, so dedupe records stay valid if the bot is renamed.
    public var key: String { String(id) }

    public func isNamed(_ name: Substring) -> Bool {
        guard let username else { return false }
        let bare = name.hasPrefix("@") ? name.dropFirst() : name
        return bare.lowercased() == username.lowercased()
    }
}

/// A command at the start of a message: `/name` or `/name@botusername`, then arguments (B.5).
public struct TelegramBotCommand: Sendable, Equatable {
    /// Lowercased, without `/` and without the `@` suffix.
    public var name: String
    /// The `@botusername` suffix without `@`, if any.
    public var target: String?
    /// The text with the suffix removed (`/help@mybot now` → `/help now`), what the pipeline sees.
    public var normalizedText: String

    /// Reads the command that starts `text`. Uses the `bot_command` entity at offset 0 when there is
    /// one (Telegram's own parse); otherwise the first word. Commands are `/` plus 1–32 letters,
    /// digits or underscores.
    public static func leading(in text: String, entities: [TelegramMessageEntity] = []) -> TelegramBotCommand? {
        guard text.hasPrefix("/") else { return nil }
        let token: Substring
        if let entity = entities.first(where: { $0.type == "bot_command" && $0.offset == 0 }), let covered = entity.text(in: text) {
            token = text.prefix(covered.count)
        } else {
            token = text.prefix { !$0.isWhitespace }
        }
        let body = token.dropFirst()
        let parts = body.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        guard let namePart = parts.first, (1...32).contains(namePart.count),
              namePart.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
        else { return nil }
        var target: String?
        if parts.count == 2 {
            let suffix = parts[1]
            guard !suffix.isEmpty, suffix.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else { return nil }
            target = String(suffix)
        }
        let rest = text.dropFirst(token.count)
        return TelegramBotCommand(name: namePart.lowercased(), target: target, normalizedText: "/" + namePart + rest)
    }
}
