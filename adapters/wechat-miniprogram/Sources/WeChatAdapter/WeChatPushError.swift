/// Why a push (or URL verification) was refused. The server maps these to HTTP statuses; none of
/// them carries message content, so they are safe to log.
public enum WeChatPushError: Error, Sendable, Equatable {
    /// A required query parameter or body field is missing.
    case missingParameter(String)
    /// A query parameter is malformed (e.g. a non-numeric timestamp).
    case invalidParameter(String)
    /// `signature` or `msg_signature` does not match.
    case badSignature
    /// The timestamp is outside the configured window (a replay, or a badly wrong clock).
    case staleTimestamp
    /// A plaintext push arrived while safe or compatible mode is configured.
    case encryptionRequired
    /// An encrypted push arrived but no EncodingAESKey is configured.
    case encryptionNotConfigured
    /// The body (or the decrypted message) is not well-formed JSON or XML.
    case unreadableBody(WeChatParseError)
    /// The `Encrypt` value could not be decrypted, or is for another appid.
    case decryption(WeChatCryptoError)
    /// A field has the wrong type or shape (e.g. `MsgId` as a float or an oversized string).
    case invalidMessage(String)

    /// A short, stable name for logs and metrics.
    public var kind: String {
        switch self {
        case .missingParameter: "missing_parameter"
        case .invalidParameter: "invalid_parameter"
        case .badSignature: "bad_signature"
        case .staleTimestamp: "stale_timestamp"
        case .encryptionRequired: "encryption_required"
        case .encryptionNotConfigured: "encryption_not_configured"
        case .unreadableBody: "unreadable_body"
        case .decryption(.appIDMismatch): "appid_mismatch"
        case .decryption: "decryption_failed"
        case .invalidMessage: "invalid_message"
        }
    }
}
