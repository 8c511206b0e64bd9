import ChatCore
import Crypto
import Foundation

/// Keyed hashing of user identities with HMAC-SHA256 (first 128 bits, lowercase hex). The key is
/// configured (`HEARTLINE_HASH_KEY`) or generated once into `<data>/hash.key` (mode 0600); losing it
/// only means existing sessions are no longer found.
public struct HMACUserKeyHasher: UserKeyHasher {
    private let key: SymmetricKey

    public init(key: [UInt8]) {
        self.key = SymmetricKey(data: key)
    }

    public func hash(_ userKey: String) -> UserHash {
        UserHash(digest("user\u{0}" + userKey))
    }

    public func hashIdentifier(_ identifier: String) -> String {
        digest("id\u{0}" + identifier)
    }

    private func digest(_ text: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: key)
        return mac.prefix(16).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Loads `<data>/hash.key`, creating it with 32 random bytes when missing.
    public static func loadOrCreateKey(dataDirectory: String) throws -> [UInt8] {
        try PosixFile.makeDirectory(dataDirectory)
        let path = dataDirectory + "/hash.key"
        if let existing = try PosixFile.read(path, limit: 4096) {
            guard existing.count >= 32 else { throw StoreError.corrupt("hash.key is shorter than 32 bytes") }
            return existing
        }
        var generator = SystemRandomNumberGenerator()
        let key = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        do {
            try PosixFile.writeAtomically(key, to: path, directory: dataDirectory)
        } catch {
            throw StoreError.unavailable("cannot create \(path): \(error)")
        }
        return key
    }
}
