import ChatCore
import Crypto
import Foundation
import Synchronization

/// Sessions of the mini-program Q&A API. `jscode2session`'s `session_key` stays here, on the
/// server; the page gets an opaque token `v1.<base64url(session id ‖ expiry)>.<base64url(HMAC)>`
/// that names a session without revealing the openid. Sessions live in memory, bounded in number;
/// after a restart (or with a changed key) tokens stop working and the page logs in again.
final class MiniProgramSessions: Sendable {
    struct Session: Sendable, Equatable {
        var openID: String
        var sessionKey: String
        var expiresAt: Date
    }

    private let key: SymmetricKey
    private let ttl: Duration
    private let capacity: Int
    private let now: @Sendable () -> Date
    private let sessions = Mutex<[String: Session]>([:])

    /// `secret` nil: a random key per process.
    init(secret: String?, ttl: Duration, capacity: Int, now: @escaping @Sendable () -> Date) {
        if let secret {
            key = SymmetricKey(data: SHA256.hash(data: Array(("heartline.miniprogram.session\u{0}" + secret).utf8)))
        } else {
            key = SymmetricKey(size: .bits256)
        }
        self.ttl = ttl
        self.capacity = max(1, capacity)
        self.now = now
    }

    var count: Int { sessions.withLock { $0.count } }

    /// Starts a session and returns its token and expiry.
    func create(openID: String, sessionKey: String) -> (token: String, expiresAt: Date) {
        let issuedAt = now()
        let expiresAt = issuedAt.addingTimeInterval(ttl.seconds)
        var generator = SystemRandomNumberGenerator()
        let id = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let expiry = UInt64(max(0, expiresAt.timeIntervalSince1970.rounded(.up)))
        let payload = id + (0..<8).map { UInt8(truncatingIfNeeded: expiry >> (8 * (7 - $0))) }
        let signed = "v1." + Self.base64URL(payload)
        let token = signed + "." + Self.base64URL(Array(HMAC<SHA256>.authenticationCode(for: Array(signed.utf8), using: key)))
        sessions.withLock { all in
            if all.count >= capacity {
                all = all.filter { $0.value.expiresAt > issuedAt }
                if all.count >= capacity, let oldest = all.min(by: { $0.value.expiresAt < $1.value.expiresAt })?.key {
                    all[oldest] = nil
                }
            }
            all[Self.hex(id)] = Session(openID: openID, sessionKey: sessionKey, expiresAt: expiresAt)
        }
        return (token, expiresAt)
    }

    /// The session a token names, if the token is authentic, unexpired and the session known.
    func resolve(_ token: String) -> Session? {
        guard token.utf8.count <= 256 else { return nil }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "v1", let payload = Self.unbase64URL(parts[1]), payload.count == 24,
              let mac = Self.unbase64URL(parts[2])
        else { return nil }
        let signed = "v1." + parts[1]
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Array(signed.utf8), using: key) else { return nil }
        let expiry = payload[16...].reduce(UInt64(0)) { ($0 << 8) | UInt64($1) }
        let current = now()
        guard Double(expiry) > current.timeIntervalSince1970 else { return nil }
        let id = Self.hex(Array(payload[..<16]))
        return sessions.withLock { all in
            guard let session = all[id] else { return nil }
            guard session.expiresAt > current else {
                all[id] = nil
                return nil
            }
            return session
        }
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

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
