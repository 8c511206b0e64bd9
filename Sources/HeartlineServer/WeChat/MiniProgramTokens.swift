import ChatCore
import Crypto
import Foundation

/// Self-contained session tokens of the mini-program Q&A API, so that any instance sharing the
/// secret accepts a token another instance issued: no session table, no sticky sessions
/// (adapters/wechat-miniprogram/README.md §4).
///
/// `v2.<base64url(expiry ‖ sealed openid)>.<base64url(HMAC-SHA256)>`: the expiry is 8 bytes
/// big-endian Unix seconds; the openid is sealed with AES-GCM because `msg_sec_check` needs it and
/// the page must not learn it; the HMAC covers everything before the last dot. Signing and sealing
/// keys are derived from one secret with HKDF. `jscode2session`'s `session_key` is never kept.
struct MiniProgramTokens: Sendable {
    struct Session: Sendable, Equatable {
        var openID: String
        var expiresAt: Date
    }

    private let signingKey: SymmetricKey
    private let sealingKey: SymmetricKey
    private let ttl: Duration
    private let now: @Sendable () -> Date

    /// `secret`: `wechat.sessionSecret`, or one derived from the user-key hash key (which every
    /// instance of a deployment shares) when that is unset.
    init(secret: String, ttl: Duration, now: @escaping @Sendable () -> Date) {
        let material = SymmetricKey(data: Array(secret.utf8))
        let salt = Array("heartline.wechat.miniprogram.session".utf8)
        signingKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: material, salt: salt, info: Array("sign".utf8), outputByteCount: 32)
        sealingKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: material, salt: salt, info: Array("seal".utf8), outputByteCount: 32)
        self.ttl = ttl
        self.now = now
    }

    /// The secret used when `wechat.sessionSecret` is not set: a keyed hash of a fixed label under
    /// the deployment's user-key hash key, so instances sharing that key accept each other's tokens.
    static func derivedSecret(from hasher: any UserKeyHasher) -> String {
        hasher.hashIdentifier("heartline.wechat.miniprogram.session-secret.v2")
    }

    /// Issues a token for `openID`; nil only when the openid is unreasonably long or sealing fails.
    func issue(openID: String) -> (token: String, expiresAt: Date)? {
        guard (1...128).contains(openID.utf8.count) else { return nil }
        let expiresAt = now().addingTimeInterval(ttl.seconds)
        let expiry = UInt64(max(0, expiresAt.timeIntervalSince1970.rounded(.up)))
        let expiryBytes = (0..<8).map { UInt8(truncatingIfNeeded: expiry >> (8 * (7 - $0))) }
        // The expiry is also the sealed box's associated data: it cannot be moved onto another openid.
        guard let sealed = try? AES.GCM.seal(Array(openID.utf8), using: sealingKey, authenticating: expiryBytes).combined else { return nil }
        let signed = "v2." + Self.base64URL(expiryBytes + Array(sealed))
        return (signed + "." + Self.base64URL(Array(HMAC<SHA256>.authenticationCode(for: Array(signed.utf8), using: signingKey))), expiresAt)
    }

    /// The session a token names, if it is authentic and unexpired.
    func resolve(_ token: String) -> Session? {
        guard token.utf8.count <= 512 else { return nil }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "v2", let payload = Self.unbase64URL(parts[1]), payload.count > 8 + 12 + 16,
              let mac = Self.unbase64URL(parts[2])
        else { return nil }
        let signed = "v2." + parts[1]
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Array(signed.utf8), using: signingKey) else { return nil }
        let expiryBytes = Array(payload[..<8])
        let expiry = expiryBytes.reduce(UInt64(0)) { ($0 << 8) | UInt64($1) }
        guard expiry < UInt64(Int64.max), Double(expiry) > now().timeIntervalSince1970 else { return nil }
        guard let box = try? AES.GCM.SealedBox(combined: payload[8...]),
              let opened = try? AES.GCM.open(box, using: sealingKey, authenticating: expiryBytes),
              let openID = String(bytes: opened, encoding: .utf8), !openID.isEmpty
        else { return nil }
        return Session(openID: openID, expiresAt: Date(timeIntervalSince1970: Double(expiry)))
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func unbase64URL(_ text: Substring) -> [UInt8]? {
        guard text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == 0x2D || $0 == 0x5F }) else {
            return nil
        }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64).map(Array.init)
    }
}
