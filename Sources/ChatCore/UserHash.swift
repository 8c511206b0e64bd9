import Foundation

/// The keyed hash of a user's platform identity. This, never the raw id, names files on disk,
/// appears in logs, and is sent to model providers as the `user` field.
public struct UserHash: Sendable, Codable, Hashable, CustomStringConvertible {
    public let value: String

    public init(_ value: String) { self.value = value }

    public var description: String { value }

    /// A short form for logs: enough to correlate lines, not enough to matter if leaked.
    public var short: String { String(value.prefix(12)) }
}

/// Computes `UserHash` values with a secret key, so that hashes cannot be reversed by trying every
/// Telegram id or WeChat openid.
public protocol UserKeyHasher: Sendable {
    func hash(_ userKey: String) -> UserHash
    /// A keyed hash of any other identifier (dedupe keys that embed a user id).
    func hashIdentifier(_ identifier: String) -> String
}

extension UserKeyHasher {
    /// The inbox id of a message: the keyed hash of its dedupe key. One definition for every store.
    public func inboxID(for message: InboundMessage) -> String {
        hashIdentifier(message.dedupeKey)
    }
}
