import ChatCore
import Foundation
import HeartlineServer
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import WeChatAdapter
import WeChatTestSupport

/// Every kind of bad push gets the right status, is logged without content, reaches neither the
/// inbox nor the model, and leaves the server answering the next good push.
@Suite struct WeChatPushRejectionTests {
    typealias H = WeChatServerHarness

    static func fixture(_ name: String) throws -> [UInt8] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("adapters/wechat-miniprogram/fixtures/" + name)
        return Array(try Data(contentsOf: url))
    }

    /// Signs an arbitrary `Encrypt` value with the right token, as an attacker who knows only the
    /// token could.
    func signedEncrypt(_ h: H, _ encrypt: String) -> (String, [UInt8]) {
        let ts = String(h.nowSeconds)
        let signature = WeChatSignature.sign([H.token, ts, "5", encrypt])
        return ("?timestamp=\(ts)&nonce=5&encrypt_type=aes&msg_signature=\(signature)", Array("{\"ToUserName\":\"gh\",\"Encrypt\":\"\(encrypt)\"}".utf8))
    }

    @Test func badPushesAreRefusedWithTheRightStatus() async throws {
        let h = try H()
        try await h.run { client async throws in
            let good = try h.textPush("正常的问题", msgID: 901)
            func expectStatus(_ expected: Int, _ query: String, _ body: [UInt8], _ label: String) async throws {
                let (status, _) = try await H.post(client, query: query, body: body)
                #expect(status == expected, "\(label)")
            }

            // Signatures and replay window.
            var wrongSignature = good
            wrongSignature.query["msg_signature"] = String(repeating: "0", count: 40)
            try await expectStatus(403, wrongSignature.queryString, good.body, "wrong msg_signature")
            var noSignature = good
            noSignature.query["msg_signature"] = nil
            try await expectStatus(400, noSignature.queryString, good.body, "missing msg_signature")
            let stale = try h.push(WeChatPushBuilder.textMessage(format: .json, to: H.toUser, from: "oU", createTime: 1, content: "x", msgID: 902), timestamp: h.nowSeconds - 301)
            try await expectStatus(403, stale.queryString, stale.body, "expired timestamp")
            let future = try h.push(WeChatPushBuilder.textMessage(format: .json, to: H.toUser, from: "oU", createTime: 1, content: "x", msgID: 903), timestamp: h.nowSeconds + 3600)
            try await expectStatus(403, future.queryString, future.body, "timestamp far in the future")
            try await expectStatus(400, "", good.body, "no query at all")

            // Plaintext while safe mode is configured.
            let plain = try h.textPush("明文", msgID: 904, mode: .plaintext)
            try await expectStatus(403, plain.queryString, plain.body, "plaintext in safe mode")

            // Ciphertext problems behind a valid signature.
            for (encrypt, label) in [
                ("!!!garbage!!!", "base64 garbage"),
                (Data(repeating: 1, count: 40).base64EncodedString(), "length not a multiple of 32"),
                (Data(repeating: 1, count: 64).base64EncodedString(), "bad padding"),
            ] {
                let (query, body) = signedEncrypt(h, encrypt)
                try await expectStatus(400, query, body, label)
            }
            let otherApp = try WeChatCipher(encodingAESKey: H.encodingAESKey, appID: "wx0000000000000000")
            let (wrongAppQuery, wrongAppBody) = signedEncrypt(h, try otherApp.encrypt(WeChatPushBuilder.textMessage(format: .json, to: H.toUser, from: "oU", createTime: 1, content: "x", msgID: 905)))
            try await expectStatus(403, wrongAppQuery, wrongAppBody, "wrong appid")

            // Hostile or malformed messages inside valid encryption.
            for name in ["bad-xml-bomb.xml", "bad-xml-external-entity.xml", "bad-xml-undeclared-entity.xml", "bad-xml-processing-instruction.xml",
                         "bad-msgid-float.json", "bad-msgid-float-integral.json", "bad-msgid-huge-integer.json", "bad-msgid-huge-string.json"] {
                let bytes = try Self.fixture(name)
                let request = try h.push(bytes, format: name.hasSuffix(".xml") ? .xml : .json)
                try await expectStatus(400, request.queryString, request.body, name)
            }
            try await expectStatus(400, good.queryString, Array("success".utf8), "not JSON or XML")
            try await expectStatus(400, good.queryString, [], "empty body")
            try await expectStatus(400, good.queryString, Array("{\"ToUserName\":".utf8), "truncated JSON")

            // After all that the server still answers a good push, and nothing else got through.
            #expect(try await H.post(client, good) == (200, "success"))
            try await H.eventually("the good answer") { h.fake.sent.count == 1 }
            #expect(h.model.questions == ["正常的问题"])
        }
    }

    @Test func bodiesOverTheLimitAre413() async throws {
        let h = try H()
        try await h.run { client async throws in
            let huge = [UInt8](repeating: UInt8(ascii: " "), count: (1 << 20) + 1)
            let good = try h.textPush("x", msgID: 1)
            let (status, _) = try await H.post(client, query: good.queryString, body: huge)
            #expect(status == 413)
        }
    }

    @Test func bodyLimitIsConfigurable() async throws {
        let h = try H()
        try await h.run(configure: { $0.wechat.maxBodyBytes = 4096 }) { client async throws in
            let big = try h.textPush(String(repeating: "长", count: 2000), msgID: 1)
            #expect(try await H.post(client, big).0 == 413)
            #expect(try await H.post(client, try h.textPush("短", msgID: 2)) == (200, "success"))
        }
    }
}
