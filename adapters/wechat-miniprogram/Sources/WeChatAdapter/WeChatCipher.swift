import Crypto
import CryptoExtras
import Foundation

/// Why safe-mode decryption or the key setup failed. Carries no plaintext.
public enum WeChatCryptoError: Error, Sendable, Equatable {
    /// The EncodingAESKey is not 43 characters of `[A-Za-z0-9]` decoding to 32 bytes.
    case invalidKey(String)
    /// `Encrypt` is not valid base64.
    case invalidBase64
    /// The ciphertext is empty or not a whole number of 32-byte blocks.
    case invalidCiphertextLength(Int)
    /// The padding byte is outside 1…32 or the padding bytes disagree.
    case invalidPadding
    /// The 4-byte message length does not fit the decrypted bytes.
    case invalidMessageLength
    /// The appid after the message is not ours.
    case appIDMismatch
    /// The cipher itself failed (should not happen with a valid key).
    case cipherFailure
}

/// WeChat's safe-mode cipher (WXBizMsgCrypt, docs/protocols.md A.6): AES-256-CBC with IV = the first 16
/// key bytes, plaintext = 16 random bytes ‖ big-endian UInt32 length ‖ message ‖ appid, padded
/// PKCS#7-style to 32-byte blocks. The stock unpadder rejects pad values above 16, so the cipher
/// runs without padding and the padding is added and checked here.
public struct WeChatCipher: Sendable {
    public static let blockSize = 32
    public let appID: String
    private let key: SymmetricKey
    private let iv: AES._CBC.IV
    private let appIDBytes: [UInt8]

    public init(encodingAESKey: String, appID: String) throws(WeChatCryptoError) {
        let keyBytes = try Self.decodeKey(encodingAESKey)
        self.key = SymmetricKey(data: keyBytes)
        do {
            self.iv = try AES._CBC.IV(ivBytes: keyBytes.prefix(16))
        } catch {
            throw .invalidKey("cannot derive the IV")
        }
        self.appID = appID
        self.appIDBytes = Array(appID.utf8)
    }

    /// The 32-byte AES key from the 43-character EncodingAESKey (base64 without the trailing `=`).
    public static func decodeKey(_ encodingAESKey: String) throws(WeChatCryptoError) -> [UInt8] {
        guard encodingAESKey.utf8.count == 43 else {
            throw .invalidKey("must be exactly 43 characters, got \(encodingAESKey.utf8.count)")
        }
        guard encodingAESKey.utf8.allSatisfy(Self.isAlphanumeric) else {
            throw .invalidKey("must contain only letters A–Z, a–z and digits 0–9")
        }
        guard let data = Data(base64Encoded: encodingAESKey + "="), data.count == 32 else {
            throw .invalidKey("does not decode to 32 bytes")
        }
        return Array(data)
    }

    /// Decrypts an `Encrypt` value and returns the message bytes after checking length and appid.
    public func decrypt(_ encrypted: String) throws(WeChatCryptoError) -> [UInt8] {
        try open(encrypted).message
    }

    /// Decrypts an `Encrypt` value into its parts (the random prefix is returned for tests).
    public func open(_ encrypted: String) throws(WeChatCryptoError) -> (random: [UInt8], message: [UInt8]) {
        guard let ciphertext = Data(base64Encoded: encrypted) else { throw .invalidBase64 }
        guard !ciphertext.isEmpty, ciphertext.count % Self.blockSize == 0 else {
            throw .invalidCiphertextLength(ciphertext.count)
        }
        let plain: [UInt8]
        do {
            plain = Array(try AES._CBC.decrypt(ciphertext, using: key, iv: iv, noPadding: true))
        } catch {
            throw .cipherFailure
        }
        guard let last = plain.last, last >= 1, Int(last) <= Self.blockSize, Int(last) <= plain.count else {
            throw .invalidPadding
        }
        let padStart = plain.count - Int(last)
        var padMismatch: UInt8 = 0
        for byte in plain[padStart...] { padMismatch |= byte ^ last }
        guard padMismatch == 0 else { throw .invalidPadding }

        let full = plain[..<padStart]
        guard full.count >= 20 else { throw .invalidMessageLength }
        let base = full.startIndex
        let length = full[(base + 16)..<(base + 20)].reduce(0) { ($0 << 8) | Int($1) }
        guard length <= full.count - 20 else { throw .invalidMessageLength }
        let messageEnd = base + 20 + length
        guard Array(full[messageEnd...]) == appIDBytes else { throw .appIDMismatch }
        return (Array(full[base..<(base + 16)]), Array(full[(base + 20)..<messageEnd]))
    }

    /// Encrypts a message with the given 16-byte random prefix (fixed in tests for exact vectors).
    public func encrypt(_ message: [UInt8], random: [UInt8]) throws(WeChatCryptoError) -> String {
        precondition(random.count == 16, "the random prefix is 16 bytes")
        var full = random
        let length = UInt32(truncatingIfNeeded: message.count)
        full.append(contentsOf: [UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)])
        full.append(contentsOf: message)
        full.append(contentsOf: appIDBytes)
        let pad = Self.blockSize - full.count % Self.blockSize
        full.append(contentsOf: repeatElement(UInt8(pad), count: pad))
        do {
            return try AES._CBC.encrypt(full, using: key, iv: iv, noPadding: true).base64EncodedString()
        } catch {
            throw .cipherFailure
        }
    }

    /// Encrypts with 16 fresh random alphanumeric bytes, like Tencent's samples.
    public func encrypt(_ message: [UInt8]) throws(WeChatCryptoError) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
        var generator = SystemRandomNumberGenerator()
        let random = (0..<16).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
        return try encrypt(message, random: random)
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }
}
