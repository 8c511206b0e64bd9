import Foundation
import Testing
@testable import WeChatAdapter

/// Authentication, replay window, decryption and decoding of pushes, with the A.10 vectors.
@Suite struct PushVerifierTests {
    func verifier(
        token: String = "AAAAA", key: String? = CipherVectorTests.wx1.key, appID: String = CipherVectorTests.wx1.appID,
        mode: WeChatSecurityMode = .safe, window: Int64 = 300
    ) throws -> WeChatPushVerifier {
        let cipher = try key.map { k throws(WeChatCryptoError) in try WeChatCipher(encodingAESKey: k, appID: appID) }
        return WeChatPushVerifier(configuration: .init(token: token, cipher: cipher, mode: mode, timestampWindowSeconds: window))
    }

    func at(_ seconds: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(seconds)) }

    static let wx1Query = [
        "signature": "6c5c811b55cc85e0e1b54100749188c20beb3f5d", "timestamp": "1714112445", "nonce": "415670741",
        "openid": "o9AgO5Kd5ggOC-bXrbNODIiE3bGY", "encrypt_type": "aes", "msg_signature": "046e02f8204d34f8ba5fa3b1db94908f3df2e9b3",
    ]
    static let wx1Body = Array("{\n \"ToUserName\": \"gh_97417a04a28d\",\n \"Encrypt\": \"\(Vectors.wx1Encrypt)\"\n}".utf8)

    @Test func urlVerificationEchoesEchostrForTheOfficialExample() throws {
        let v = try verifier(mode: .plaintext)
        let query = ["signature": "f464b24fc39322e44b38aa78f5edd27bd1441696", "echostr": "4375120948345356249", "timestamp": "1714036504", "nonce": "1514711492"]
        #expect(try v.verifyURL(query, now: at(1_714_036_504)) == "4375120948345356249")
        var wrong = query
        wrong["nonce"] = "1514711493"
        #expect(throws: WeChatPushError.badSignature) { try v.verifyURL(wrong, now: at(1_714_036_504)) }
        #expect(throws: WeChatPushError.staleTimestamp) { try v.verifyURL(query, now: at(1_714_036_504 + 301)) }
        var missing = query
        missing["echostr"] = nil
        #expect(throws: WeChatPushError.missingParameter("echostr")) { try v.verifyURL(missing, now: at(1_714_036_504)) }
    }

    @Test func wx1SafeModeJSONOpensToTheDebugDemoEvent() throws {
        let opened = try verifier().open(Self.wx1Query, body: Self.wx1Body, now: at(1_714_112_445))
        #expect(opened.encrypted)
        #expect(opened.format == .json)
        guard case .message(let m) = opened.push else { Issue.record("not a message"); return }
        #expect(m.msgType == "event")
        #expect(m.event == "debug_demo")
        #expect(m.fromUserName == "o9AgO5Kd5ggOC-bXrbNODIiE3bGY")
    }

    @Test func wx2SafeModeXMLOpensToTheTextMessage() throws {
        let v = try verifier(token: "spamtest", key: CipherVectorTests.wx2.key, appID: CipherVectorTests.wx2.appID)
        let query = ["signature": "16120ec1b8dbb870f510d87ce6bc2463eae6ca1a", "timestamp": "1409735669", "nonce": "1320562132",
                     "encrypt_type": "aes", "msg_signature": "5d197aaffba7e9b25a30732f161a50dee96bd5fa"]
        let body = Array("<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Encrypt><![CDATA[\(Vectors.wx2Encrypt)]]></Encrypt></xml>".utf8)
        let opened = try v.open(query, body: body, now: at(1_409_735_669))
        #expect(opened.format == .xml)
        #expect(opened.push == .message(WeChatPushMessage(
            toUserName: "gh_10f6c3c3ac5a", fromUserName: "oyORnuP8q7ou2gfYjqLzSIWZf0rs", createTime: 1_409_735_668,
            msgType: "text", msgID: "6054768590064713728", content: "abcdteT"
        )))
    }

    @Test func wx3SafeModeJSON() throws {
        let v = try verifier(token: "spamtest", key: CipherVectorTests.wx2.key, appID: CipherVectorTests.wx2.appID)
        let query = ["timestamp": "1700000000", "nonce": "123456789", "msg_signature": "992576b788aefa571cc073cb5380709551ec062e"]
        let body = Array("{\"ToUserName\":\"gh_10f6c3c3ac5a\",\"Encrypt\":\"\(Vectors.wx3Encrypt)\"}".utf8)
        guard case .message(let m) = try v.open(query, body: body, now: at(1_700_000_100)).push else { Issue.record("not a message"); return }
        #expect(m.content == "hello")
        #expect(m.msgID == "6054768590064713728")
    }

    @Test func plaintextPostWithTheOfficialSignature() throws {
        let v = try verifier(key: nil, mode: .plaintext)
        let query = ["signature": "899cf89e464efb63f54ddac96b0a0a235f53aa78", "timestamp": "1714037059", "nonce": "486452656"]
        let opened = try v.open(query, body: Array(Vectors.wx1Message.utf8), now: at(1_714_037_059))
        #expect(!opened.encrypted)
        #expect(throws: WeChatPushError.badSignature) {
            try v.open(["signature": "899cf89e464efb63f54ddac96b0a0a235f53aa79", "timestamp": "1714037059", "nonce": "486452656"], body: Array(Vectors.wx1Message.utf8), now: at(1_714_037_059))
        }
    }

    @Test(arguments: [WeChatBodyFormat.json, .xml])
    func compatibleModeTrustsOnlyTheEncryptedPart(_ format: WeChatBodyFormat) throws {
        let cipher = try WeChatCipher(encodingAESKey: CipherVectorTests.wx1.key, appID: CipherVectorTests.wx1.appID)
        let builder = WeChatPushBuilder(token: "AAAAA", cipher: cipher)
        let message = WeChatPushBuilder.textMessage(format: format, to: "gh_1", from: "oUser1", createTime: 1_760_000_000, content: "真的内容", msgID: 42)
        let request = try builder.build(message: message, format: format, mode: .compatible, toUserName: "gh_1", timestamp: 1_760_000_000, nonce: "7")
        // Tamper with the plaintext copy: the verifier must read the encrypted one.
        let tampered = Array(String(decoding: request.body, as: UTF8.self).replacingOccurrences(of: "真的内容", with: "假的内容").utf8)
        #expect(tampered != request.body)
        let opened = try verifier(mode: .compatible).open(request.query, body: tampered, now: at(1_760_000_000))
        guard case .message(let m) = opened.push else { Issue.record("not a message"); return }
        #expect(m.content == "真的内容")
    }

    @Test func replaysOutsideTheWindowAreRefused() throws {
        let v = try verifier()
        #expect(throws: WeChatPushError.staleTimestamp) { try v.open(Self.wx1Query, body: Self.wx1Body, now: at(1_714_112_445 + 301)) }
        #expect(throws: WeChatPushError.staleTimestamp) { try v.open(Self.wx1Query, body: Self.wx1Body, now: at(1_714_112_445 - 301)) }
        #expect(try v.open(Self.wx1Query, body: Self.wx1Body, now: at(1_714_112_445 + 300)).encrypted)
        #expect(try verifier(window: 0).open(Self.wx1Query, body: Self.wx1Body, now: at(2_000_000_000)).encrypted)
    }

    @Test func signatureAndModeFailures() throws {
        let v = try verifier()
        var badSignature = Self.wx1Query
        badSignature["msg_signature"] = "046e02f8204d34f8ba5fa3b1db94908f3df2e9b4"
        #expect(throws: WeChatPushError.badSignature) { try v.open(badSignature, body: Self.wx1Body, now: at(1_714_112_445)) }
        // The plain signature does not cover the body and is not enough in safe mode.
        var noMsgSignature = Self.wx1Query
        noMsgSignature["msg_signature"] = nil
        #expect(throws: WeChatPushError.missingParameter("msg_signature")) { try v.open(noMsgSignature, body: Self.wx1Body, now: at(1_714_112_445)) }
        // A plaintext push while safe mode is configured.
        let plain = ["signature": "899cf89e464efb63f54ddac96b0a0a235f53aa78", "timestamp": "1714037059", "nonce": "486452656"]
        #expect(throws: WeChatPushError.encryptionRequired) { try v.open(plain, body: Array(Vectors.wx1Message.utf8), now: at(1_714_037_059)) }
        // An encrypted push without a configured key.
        #expect(throws: WeChatPushError.encryptionNotConfigured) {
            try verifier(key: nil, mode: .plaintext).open(Self.wx1Query, body: Self.wx1Body, now: at(1_714_112_445))
        }
        var badTimestamp = Self.wx1Query
        badTimestamp["timestamp"] = "1714112445.5"
        #expect(throws: WeChatPushError.invalidParameter("timestamp")) { try v.open(badTimestamp, body: Self.wx1Body, now: at(1_714_112_445)) }
    }

    @Test func wrongAppIDAndBadCiphertextAfterAValidSignature() throws {
        let wrongApp = try verifier(appID: "wx0000000000000000")
        #expect(throws: WeChatPushError.decryption(.appIDMismatch)) { try wrongApp.open(Self.wx1Query, body: Self.wx1Body, now: at(1_714_112_445)) }

        // An attacker who knows the token (but not the key) can sign garbage: it still fails cleanly.
        for encrypt in ["!!!notbase64!!!", "QUJD", Data(repeating: 7, count: 48).base64EncodedString(), Data(repeating: 7, count: 64).base64EncodedString()] {
            let query = ["timestamp": "1714112445", "nonce": "1", "msg_signature": WeChatSignature.sign(["AAAAA", "1714112445", "1", encrypt])]
            let body = Array("{\"ToUserName\":\"gh\",\"Encrypt\":\"\(encrypt)\"}".utf8)
            #expect(throws: WeChatPushError.self) { try verifier().open(query, body: body, now: at(1_714_112_445)) }
        }
    }

    @Test func encryptedXMLBombInsideTheCiphertextIsRefused() throws {
        let cipher = try WeChatCipher(encodingAESKey: CipherVectorTests.wx1.key, appID: CipherVectorTests.wx1.appID)
        let request = try WeChatPushBuilder(token: "AAAAA", cipher: cipher).build(
            message: Fixtures.bytes("bad-xml-bomb.xml"), format: .xml, mode: .safe, toUserName: "gh", timestamp: 1_760_000_000, nonce: "9"
        )
        #expect(throws: WeChatPushError.unreadableBody(.forbiddenDeclaration(at: 22))) {
            try verifier().open(request.query, body: request.body, now: at(1_760_000_000))
        }
    }
}
