import Foundation
import Testing
@testable import WeChatAdapter

/// Every vector of docs/protocols.md A.10: decrypt, check the parts, re-encrypt with the fixed random
/// prefix and compare the base64 exactly; signatures over the sorted parts.
@Suite struct CipherVectorTests {
    static let wx1 = (token: "AAAAA", key: String(repeating: "A", count: 43), appID: "wxba5fad812f8e6fb9")
    static let wx2 = (token: "spamtest", key: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", appID: "wx2c2769f8efd9abc2")
    static let wx4 = (token: "123456", key: "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR", appID: "wx49f0ab532d5d035a")

    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func keysDecodeToTheDocumentedBytes() throws {
        #expect(try WeChatCipher.decodeKey(Self.wx1.key) == Array(repeating: 0, count: 32))
        #expect(Hex.encode(try WeChatCipher.decodeKey(Self.wx2.key)) == "69b71d79f8218a39259a7a29aabb2dbafc31cb3d35db7e39ebbf3d0010831051")
    }

    @Test func wx1DecryptsAndItsReplyReEncryptsExactly() throws {
        let cipher = try WeChatCipher(encodingAESKey: Self.wx1.key, appID: Self.wx1.appID)
        let opened = try cipher.open(Vectors.wx1Encrypt)
        #expect(opened.random == bytes("a8eedb185eb2fecf"))
        #expect(opened.message == bytes(Vectors.wx1Message))
        #expect(opened.message.count == 167)
        #expect(try cipher.encrypt(bytes(Vectors.wx1Message), random: opened.random) == Vectors.wx1Encrypt)

        let reply = try cipher.encrypt(bytes(#"{"demo_resp":"good luck"}"#), random: bytes("707722b803182950"))
        #expect(reply == Vectors.wx1ReplyEncrypt)
        #expect(WeChatSignature.sign(["AAAAA", "1713424427", "415670741", reply]) == "1b9339964ed2e271e7c7b6ff2b0ef902fc94dea1")
    }

    @Test func wx1Signatures() {
        #expect(WeChatSignature.sign([Self.wx1.token, "1714112445", "415670741"]) == "6c5c811b55cc85e0e1b54100749188c20beb3f5d")
        #expect(WeChatSignature.sign([Self.wx1.token, "1714112445", "415670741", Vectors.wx1Encrypt]) == "046e02f8204d34f8ba5fa3b1db94908f3df2e9b3")
    }

    @Test func wx2DecryptsAndReEncryptsExactly() throws {
        let cipher = try WeChatCipher(encodingAESKey: Self.wx2.key, appID: Self.wx2.appID)
        let opened = try cipher.open(Vectors.wx2Encrypt)
        #expect(opened.random == bytes("89465c840c5f116f"))
        #expect(opened.message == bytes(Vectors.wx2Message))
        #expect(opened.message.count == 280)
        #expect(try cipher.encrypt(opened.message, random: opened.random) == Vectors.wx2Encrypt)
        #expect(WeChatSignature.sign([Self.wx2.token, "1409735669", "1320562132"]) == "16120ec1b8dbb870f510d87ce6bc2463eae6ca1a")
        #expect(WeChatSignature.sign([Self.wx2.token, "1409735669", "1320562132", Vectors.wx2Encrypt]) == "5d197aaffba7e9b25a30732f161a50dee96bd5fa")
    }

    @Test func wx2ReplyEncryptsExactly() throws {
        let cipher = try WeChatCipher(encodingAESKey: Self.wx2.key, appID: Self.wx2.appID)
        let reply = try cipher.encrypt(bytes(Vectors.wx2ReplyPlain), random: bytes("1234567890123456"))
        #expect(reply == Vectors.wx2ReplyEncrypt)
        #expect(WeChatSignature.sign([Self.wx2.token, "1409735669", "1320562132", reply]) == "313df8c7b1f343210a2ff04b689b3ff30a99002e")
        #expect(try cipher.decrypt(reply) == bytes(Vectors.wx2ReplyPlain))
    }

    @Test func wx3EncryptsExactlyAndSharesTheFirstBlockWithWX2Reply() throws {
        let cipher = try WeChatCipher(encodingAESKey: Self.wx2.key, appID: Self.wx2.appID)
        let encrypt = try cipher.encrypt(bytes(Vectors.wx3Message), random: bytes("1234567890123456"))
        #expect(encrypt == Vectors.wx3Encrypt)
        #expect(try cipher.decrypt(Vectors.wx3Encrypt) == bytes(Vectors.wx3Message))
        #expect(WeChatSignature.sign([Self.wx2.token, "1700000000", "123456789", encrypt]) == "992576b788aefa571cc073cb5380709551ec062e")
        #expect(encrypt.hasPrefix("QCTqNwyPmqRu4xuyqVsja") && Vectors.wx2ReplyEncrypt.hasPrefix("QCTqNwyPmqRu4xuyqVsja"))
    }

    @Test func wx4EncryptDecryptAndEchostr() throws {
        let cipher = try WeChatCipher(encodingAESKey: Self.wx4.key, appID: Self.wx4.appID)
        // (a)
        let encrypt = try cipher.encrypt(bytes(Vectors.wx4aPlain), random: bytes("1234567890123456"))
        #expect(encrypt == Vectors.wx4aEncrypt)
        #expect(WeChatSignature.sign([Self.wx4.token, "1411525903", "461056294", encrypt]) == "407518b7649e86ef23978113f92d27afa9296533")
        // (b)
        #expect(WeChatSignature.verify("74d92dfeb87ba7c714f89d98870ae5eb62dff26d", parts: [Self.wx4.token, "1411525903", "461056294", Vectors.wx4bEncrypt]))
        let opened = try cipher.open(Vectors.wx4bEncrypt)
        #expect(opened.message == bytes(Vectors.wx4bMessage))
        #expect(try cipher.encrypt(opened.message, random: opened.random) == Vectors.wx4bEncrypt)
        // (c)
        let echostr = "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q=="
        #expect(WeChatSignature.verify("dd6b9c95b495b3f7e2901bfbc76c664930ffdb96", parts: [Self.wx4.token, "1411443780", "437374425", echostr]))
        #expect(!WeChatSignature.verify("dd6b9c95b495b3f7e2901bfbc76c664930ffdb96", parts: [Self.wx4.token, "1411443780", "437374424", echostr]))
        #expect(try cipher.decrypt(echostr) == bytes("5927782489442352469"))
    }

    @Test(arguments: [
        ("1714036504", "1514711492", "f464b24fc39322e44b38aa78f5edd27bd1441696"),
        ("1714037059", "486452656", "899cf89e464efb63f54ddac96b0a0a235f53aa78"),
    ])
    func plainSignatures(timestamp: String, nonce: String, expected: String) {
        #expect(WeChatSignature.sign(["AAAAA", timestamp, nonce]) == expected)
        #expect(WeChatSignature.verify(expected, parts: [nonce, "AAAAA", timestamp]))
        #expect(WeChatSignature.verify(expected.uppercased(), parts: ["AAAAA", timestamp, nonce]))
        #expect(!WeChatSignature.verify(String(expected.dropLast()) + "0", parts: ["AAAAA", timestamp, nonce]))
        #expect(!WeChatSignature.verify("", parts: ["AAAAA", timestamp, nonce]))
    }

    @Test func sortingIsByUTF8Bytes() {
        // '+' (0x2B) sorts before digits; the WX-1 msg_signature depends on it.
        let sorted = [Vectors.wx1Encrypt, "1714112445", "415670741", "AAAAA"].sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        #expect(sorted.first == Vectors.wx1Encrypt)
    }

    @Test func paddingCoversEveryLengthModulo32() throws {
        let cipher = try WeChatCipher(encodingAESKey: Self.wx2.key, appID: Self.wx2.appID)
        for length in 0...70 {
            let message = Array(repeating: UInt8(ascii: "x"), count: length)
            let encrypt = try cipher.encrypt(message, random: bytes("1234567890123456"))
            let total = 16 + 4 + length + Self.wx2.appID.utf8.count
            #expect(Data(base64Encoded: encrypt)?.count == (total / 32 + 1) * 32)
            #expect(try cipher.decrypt(encrypt) == message)
        }
    }
}
