import Crypto
import Foundation

/// A bot token (`123456:ABC-DEF…`, B.1). It is a password that also appears in every Bot API URL
/// path, so its `description` is redacted and it is never interpolated into logs or errors.
public struct TelegramBotToken: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The token itself; use only to build request URLs.
    public let value: String
    /// The bot's user id: the part before the colon. Not secret; names the bot in dedupe keys.
    public let botID: Int64

    /// Accepts `<digits>:<letters, digits, _ or ->`, 1–512 characters in all.
    public init?(validating raw: String) {
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.utf8.count <= 512, let colon = trimmed.firstIndex(of: ":") else { return nil }
        let idPart = trimmed[..<colon]
        let secretPart = trimmed[trimmed.index(after: colon)...]
        guard !idPart.isEmpty, idPart.utf8.count <= 19, idPart.allSatisfy({ $0.isASCII && $0.isNumber }),
              let id = Int64(idPart), id > 0,
              !secretPart.isEmpty, secretPart.allSatisfy(Self.isTokenCharacter)
        else { return nil }
        value = trimmed
        botID = id
    }

    static func isTokenCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == "-")
    }

    public var description: String { "<telegram token for bot \(botID)>" }
    public var debugDescription: String { description }
}

/// The webhook secret (`secret_token`, B.2): 1–256 of `A-Z a-z 0-9 _ -`, echoed by Telegram in
/// `X-Telegram-Bot-Api-Secret-Token`.
public struct TelegramWebhookSecret: Sendable, Equatable, CustomStringConvertible {
    public static let headerName = "X-Telegram-Bot-Api-Secret-Token"

    private let bytes: [UInt8]

    public init?(validating raw: String) {
        guard (1...256).contains(raw.utf8.count), raw.allSatisfy(TelegramBotToken.isTokenCharacter) else { return nil }
        bytes = Array(raw.utf8)
    }

    /// The secret as sent to `setWebhook`.
    public var value: String { String(decoding: bytes, as: UTF8.self) }

    /// Compares the presented header in time that depends only on the lengths, never on where the
    /// strings differ. A missing header never matches.
    public func matches(_ presented: String?) -> Bool {
        guard let presented else { return false }
        return Self.constantTimeEquals(Array(presented.utf8), bytes)
    }

    /// swift-crypto's digest equality is constant-time; hashing first also hides the lengths.
    static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        SHA256.hash(data: a) == SHA256.hash(data: b)
    }

    public var description: String { "<webhook secret>" }
}
