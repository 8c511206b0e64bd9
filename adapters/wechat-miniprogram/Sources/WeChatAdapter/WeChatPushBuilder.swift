import Foundation

/// Builds signed (and, in safe or compatible mode, encrypted) push requests exactly as WeChat
/// sends them. Used by the tests, the `heartline wechat encrypt` helper, the benchmark generator
/// and simulators; the server never needs it.
public struct WeChatPushBuilder: Sendable {
    public struct Request: Sendable, Equatable {
        public var query: [String: String]
        public var body: [UInt8]

        /// `?a=b&…` with the parameters in a stable order.
        public var queryString: String {
            "?" + query.sorted { $0.key < $1.key }.map { "\($0.key)=\(WeChatHTTP.percentEncode($0.value))" }.joined(separator: "&")
        }
    }

    public let token: String
    public let cipher: WeChatCipher?

    public init(token: String, cipher: WeChatCipher?) {
        self.token = token
        self.cipher = cipher
    }

    /// Wraps a plain message (JSON or XML bytes) for the given mode. `random` fixes the
    /// encryption's random prefix (tests); nil draws one.
    public func build(
        message: [UInt8], format: WeChatBodyFormat, mode: WeChatSecurityMode, toUserName: String,
        timestamp: Int64, nonce: String, openID: String? = nil, random: [UInt8]? = nil
    ) throws(WeChatCryptoError) -> Request {
        var query = ["timestamp": String(timestamp), "nonce": nonce]
        query["signature"] = WeChatSignature.sign([token, String(timestamp), nonce])
        guard mode != .plaintext else { return Request(query: query, body: message) }
        guard let cipher else { throw .invalidKey("safe and compatible mode need an EncodingAESKey") }
        let encrypt = if let random { try cipher.encrypt(message, random: random) } else { try cipher.encrypt(message) }
        query["encrypt_type"] = "aes"
        query["msg_signature"] = WeChatSignature.sign([token, String(timestamp), nonce, encrypt])
        if let openID { query["openid"] = openID }
        let body: [UInt8]
        switch (mode, format) {
        case (.compatible, .json):
            let trimmed = Array(String(decoding: message, as: UTF8.self).trimmingSuffixWhitespace.utf8.dropLast())
            body = trimmed + Array(",\"Encrypt\":\(Self.jsonString(encrypt))}".utf8)
        case (.compatible, .xml):
            let text = String(decoding: message, as: UTF8.self)
            body = Array(text.replacingLast("</xml>", with: "<Encrypt><![CDATA[\(encrypt)]]></Encrypt></xml>").utf8)
        case (_, .json):
            body = Array("{\"ToUserName\":\(Self.jsonString(toUserName)),\"Encrypt\":\(Self.jsonString(encrypt))}".utf8)
        case (_, .xml):
            body = Array("<xml><ToUserName>\(Self.cdata(toUserName))</ToUserName><Encrypt>\(Self.cdata(encrypt))</Encrypt></xml>".utf8)
        }
        return Request(query: query, body: body)
    }

    /// A customer-service text message in the given format (docs/protocols.md A.8).
    public static func textMessage(format: WeChatBodyFormat, to: String, from: String, createTime: Int64, content: String, msgID: Int64) -> [UInt8] {
        switch format {
        case .json:
            Array("{\"ToUserName\":\(jsonString(to)),\"FromUserName\":\(jsonString(from)),\"CreateTime\":\(createTime),\"MsgType\":\"text\",\"Content\":\(jsonString(content)),\"MsgId\":\(msgID)}".utf8)
        case .xml:
            Array("<xml><ToUserName>\(cdata(to))</ToUserName><FromUserName>\(cdata(from))</FromUserName><CreateTime>\(createTime)</CreateTime><MsgType><![CDATA[text]]></MsgType><Content>\(cdata(content))</Content><MsgId>\(msgID)</MsgId></xml>".utf8)
        }
    }

    /// An event push (e.g. `user_enter_tempsession`), which has no `MsgId`.
    public static func eventMessage(format: WeChatBodyFormat, to: String, from: String, createTime: Int64, event: String, sessionFrom: String = "") -> [UInt8] {
        switch format {
        case .json:
            Array("{\"ToUserName\":\(jsonString(to)),\"FromUserName\":\(jsonString(from)),\"CreateTime\":\(createTime),\"MsgType\":\"event\",\"Event\":\(jsonString(event)),\"SessionFrom\":\(jsonString(sessionFrom))}".utf8)
        case .xml:
            Array("<xml><ToUserName>\(cdata(to))</ToUserName><FromUserName>\(cdata(from))</FromUserName><CreateTime>\(createTime)</CreateTime><MsgType><![CDATA[event]]></MsgType><Event>\(cdata(event))</Event><SessionFrom>\(cdata(sessionFrom))</SessionFrom></xml>".utf8)
        }
    }

    public static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    public static func cdata(_ text: String) -> String {
        "<![CDATA[" + text.replacingAll("]]>", with: "]]]]><![CDATA[>") + "]]>"
    }
}

extension String {
    var trimmingSuffixWhitespace: String {
        String(reversed().drop(while: \.isWhitespace).reversed())
    }

    func replacingLast(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target, options: .backwards) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }

    func replacingAll(_ target: String, with replacement: String) -> String {
        replacingOccurrences(of: target, with: replacement)
    }
}
