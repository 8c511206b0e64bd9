import Crypto
import CryptoExtras
import Foundation
import Testing
@testable import WeChatAdapter

/// Bad ciphertexts are refused with a typed error, never a crash.
@Suite struct CipherRejectionTests {
    let cipher: WeChatCipher
    let key = CipherVectorTests.wx2.key

    init() throws {
        cipher = try WeChatCipher(encodingAESKey: CipherVectorTests.wx2.key, appID: CipherVectorTests.wx2.appID)
    }

    /// WX-2's ciphertext with one byte of the second-to-last block XORed, which XORs the same
    /// byte of the last plaintext block (CBC) — here the padding byte (pad = 2 in WX-2).
    func flippingPadding(with mask: UInt8) -> String {
        var data = Array(Data(base64Encoded: Vectors.wx2Encrypt)!)
        data[data.count - 17] ^= mask
        return Data(data).base64EncodedString()
    }

    /// Encrypts raw bytes (already a multiple of 32) with WX-2's key, bypassing the cipher's framing.
    func rawEncrypt(_ plain: [UInt8]) throws -> String {
        let keyBytes = try WeChatCipher.decodeKey(key)
        let iv = try AES._CBC.IV(ivBytes: keyBytes.prefix(16))
        return try AES._CBC.encrypt(plain, using: SymmetricKey(data: keyBytes), iv: iv, noPadding: true).base64EncodedString()
    }

    @Test func paddingValueZeroOrAbove32IsRefused() {
        #expect(throws: WeChatCryptoError.invalidPadding) { try cipher.decrypt(flippingPadding(with: 0x02)) }  // 0
        #expect(throws: WeChatCryptoError.invalidPadding) { try cipher.decrypt(flippingPadding(with: 0x23)) }  // 33
        #expect(throws: WeChatCryptoError.invalidPadding) { try cipher.decrypt(flippingPadding(with: 0x06)) }  // 4, bytes disagree
    }

    @Test func aShorterPaddingLeavesAByteThatBreaksTheAppID() {
        #expect(throws: WeChatCryptoError.appIDMismatch) { try cipher.decrypt(flippingPadding(with: 0x03)) }  // pad 1
    }

    @Test func wrongAppIDIsRefused() throws {
        let other = try WeChatCipher(encodingAESKey: key, appID: "wx0000000000000000")
        #expect(throws: WeChatCryptoError.appIDMismatch) { try other.decrypt(Vectors.wx2Encrypt) }
        let encrypted = try other.encrypt(Array("hello".utf8), random: Array("1234567890123456".utf8))
        #expect(throws: WeChatCryptoError.appIDMismatch) { try cipher.decrypt(encrypted) }
    }

    @Test func ciphertextLengthsThatAreNotWhole32ByteBlocksAreRefused() {
        let data = Data(base64Encoded: Vectors.wx2Encrypt)!
        #expect(throws: WeChatCryptoError.invalidCiphertextLength(0)) { try cipher.decrypt("") }
        #expect(throws: WeChatCryptoError.invalidCiphertextLength(16)) { try cipher.decrypt(data.prefix(16).base64EncodedString()) }
        #expect(throws: WeChatCryptoError.invalidCiphertextLength(data.count - 1)) { try cipher.decrypt(data.dropLast().base64EncodedString()) }
    }

    @Test(arguments: ["not base64!", "abc", "QCTq NwyP", "\u{4F60}\u{597D}"])
    func base64GarbageIsRefused(_ garbage: String) {
        #expect(throws: WeChatCryptoError.invalidBase64) { try cipher.decrypt(garbage) }
    }

    @Test func paddingOnlyBase64IsRefused() {
        // Foundation on Linux decodes "====" to one byte; the length check refuses it either way.
        #expect(throws: WeChatCryptoError.self) { try cipher.decrypt("====") }
    }

    @Test func aLengthFieldBeyondTheDataIsRefused() throws {
        var plain = Array("1234567890123456".utf8) + [0, 0, 0x10, 0x00] + Array("hi".utf8) + Array(CipherVectorTests.wx2.appID.utf8)
        let pad = 32 - plain.count % 32
        plain += Array(repeating: UInt8(pad), count: pad)
        #expect(throws: WeChatCryptoError.invalidMessageLength) { try cipher.decrypt(rawEncrypt(plain)) }
        // Too short to hold the random prefix and the length: 32 bytes of padding only.
        #expect(throws: WeChatCryptoError.invalidMessageLength) { try cipher.decrypt(rawEncrypt(Array(repeating: 32, count: 32))) }
    }

    @Test(arguments: [
        String(repeating: "A", count: 42), String(repeating: "A", count: 44), String(repeating: "A", count: 42) + "+",
        String(repeating: "A", count: 42) + "=", "", String(repeating: "\u{00E9}", count: 43),
    ])
    func invalidKeysAreRefused(_ key: String) {
        #expect(throws: WeChatCryptoError.self) { try WeChatCipher(encodingAESKey: key, appID: "wx") }
    }

    @Test func keysWithNonZeroUnusedBitsAreAccepted() throws {
        // The last character of WX-2's key (`G`) has non-zero unused bits; Foundation accepts it.
        #expect(try WeChatCipher.decodeKey("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG").count == 32)
    }
}
