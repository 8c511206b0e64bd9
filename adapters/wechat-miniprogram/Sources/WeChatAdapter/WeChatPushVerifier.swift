import Foundation

/// How the mini program's push is protected, as set in the console (docs/protocols.md A.2).
public enum WeChatSecurityMode: String, Sendable, Equatable, CaseIterable {
    /// 明文模式: the body is plain and only `signature` (which does not cover the body) is sent.
    case plaintext
    /// 兼容模式: plain fields plus `Encrypt`; only the encrypted part is trusted.
    case compatible
    /// 安全模式: `ToUserName` + `Encrypt` only.
    case safe

    /// Compatible and safe mode refuse plaintext pushes: an unencrypted body is not covered by
    /// any signature, so accepting it would let anyone who saw one push URL forge messages.
    public var requiresEncryption: Bool { self != .plaintext }
}

/// A verified, decrypted and decoded push.
public struct WeChatOpenedPush: Sendable, Equatable {
    public var push: WeChatPush
    public var encrypted: Bool
    /// The format of the (inner) message.
    public var format: WeChatBodyFormat
}

/// Authenticates and opens pushes: pure functions over the query, the body bytes and the time.
/// Order: read the outer body (the readers are safe on hostile input) → verify the signature
/// (`msg_signature` over token, timestamp, nonce and `Encrypt` when encrypted, else `signature`)
/// → check the timestamp window → decrypt and check the appid → decode the message.
public struct WeChatPushVerifier: Sendable {
    public struct Configuration: Sendable {
        public var token: String
        /// Needed for encrypted pushes; nil in plaintext-only setups.
        public var cipher: WeChatCipher?
        public var mode: WeChatSecurityMode
        /// Pushes whose timestamp is further than this from now are refused; 0 disables the check.
        public var timestampWindowSeconds: Int64
        public var limits: WeChatParseLimits

        public init(
            token: String, cipher: WeChatCipher?, mode: WeChatSecurityMode,
            timestampWindowSeconds: Int64 = 300, limits: WeChatParseLimits = WeChatParseLimits()
        ) {
            self.token = token
            self.cipher = cipher
            self.mode = mode
            self.timestampWindowSeconds = timestampWindowSeconds
            self.limits = limits
        }
    }

    public let configuration: Configuration

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// The URL check (GET): returns the `echostr` to echo when `signature` is valid.
    public func verifyURL(_ query: [String: String], now: Date) throws(WeChatPushError) -> String {
        let (timestamp, nonce) = try timestampAndNonce(query)
        guard let signature = query["signature"] else { throw .missingParameter("signature") }
        guard let echo = query["echostr"] else { throw .missingParameter("echostr") }
        guard WeChatSignature.verify(signature, parts: [configuration.token, timestamp.text, nonce]) else { throw .badSignature }
        try checkWindow(timestamp.value, now: now)
        return echo
    }

    /// Authenticates, decrypts and decodes a push (POST).
    public func open(_ query: [String: String], body: [UInt8], now: Date) throws(WeChatPushError) -> WeChatOpenedPush {
        let (timestamp, nonce) = try timestampAndNonce(query)
        let outer: WeChatFields
        do {
            outer = try WeChatFields.parse(body, limits: configuration.limits)
        } catch {
            throw .unreadableBody(error)
        }
        let encrypted = query["encrypt_type"]?.lowercased() == "aes" || outer["Encrypt"] != nil

        guard encrypted else {
            guard !configuration.mode.requiresEncryption else { throw .encryptionRequired }
            guard let signature = query["signature"] else { throw .missingParameter("signature") }
            guard WeChatSignature.verify(signature, parts: [configuration.token, timestamp.text, nonce]) else { throw .badSignature }
            try checkWindow(timestamp.value, now: now)
            return WeChatOpenedPush(push: try WeChatPushMessage.decode(outer), encrypted: false, format: outer.format)
        }

        guard let msgSignature = query["msg_signature"] else { throw .missingParameter("msg_signature") }
        guard let encrypt = outer.text("Encrypt"), !encrypt.isEmpty else { throw .missingParameter("Encrypt") }
        guard WeChatSignature.verify(msgSignature, parts: [configuration.token, timestamp.text, nonce, encrypt]) else {
            throw .badSignature
        }
        try checkWindow(timestamp.value, now: now)
        guard let cipher = configuration.cipher else { throw .encryptionNotConfigured }
        let plain: [UInt8]
        do {
            plain = try cipher.decrypt(encrypt)
        } catch {
            throw .decryption(error)
        }
        let inner: WeChatFields
        do {
            inner = try WeChatFields.parse(plain, limits: configuration.limits)
        } catch {
            throw .unreadableBody(error)
        }
        return WeChatOpenedPush(push: try WeChatPushMessage.decode(inner), encrypted: true, format: inner.format)
    }

    // MARK: Helpers

    private func timestampAndNonce(_ query: [String: String]) throws(WeChatPushError) -> ((text: String, value: Int64), String) {
        guard let text = query["timestamp"] else { throw .missingParameter("timestamp") }
        guard let nonce = query["nonce"] else { throw .missingParameter("nonce") }
        guard text.utf8.count <= 12, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = Int64(text) else {
            throw .invalidParameter("timestamp")
        }
        guard nonce.utf8.count <= 128 else { throw .invalidParameter("nonce") }
        return ((text, value), nonce)
    }

    private func checkWindow(_ timestamp: Int64, now: Date) throws(WeChatPushError) {
        let window = configuration.timestampWindowSeconds
        guard window > 0 else { return }
        let current = Int64(now.timeIntervalSince1970.rounded(.down))
        guard abs(current - timestamp) <= window else { throw .staleTimestamp }
    }
}
