import Foundation
import WeChatAdapter

extension HeartlineSettings {
    /// The WeChat mini-program channel: message push, customer-service replies and the Q&A API
    /// used by the mini-program page. `appSecret`, `token`, `encodingAESKey` and `sessionSecret`
    /// are secrets: never logged or printed.
    public struct WeChat: Sendable, Equatable {
        /// How push bodies are expected; detection from the body always decides the parse.
        public enum Format: String, Sendable, Equatable, CaseIterable {
            case auto, json, xml
        }

        /// Serve the WeChat routes. Defaults to on when `appId` is set.
        public var enabled: Bool?
        public var appID: String?
        public var appSecret: String?
        /// The push Token from the console (signatures only).
        public var token: String?
        public var encodingAESKey: String?
        public var format = Format.auto
        /// nil: `safe` when an EncodingAESKey is set, else `plaintext`.
        public var mode: WeChatSecurityMode?
        public var apiBaseURL = "https://api.weixin.qq.com"
        public var tokenAPI = WeChatAPIConfiguration.TokenAPI.stable
        public var pushPath = "/wechat/push"
        /// Prefix of the Q&A API: `<prefix>/login`, `<prefix>/ask`.
        public var miniProgramPath = "/wechat/miniprogram"
        public var customerServicePath = "/cgi-bin/message/custom/send"
        public var typingPath = "/cgi-bin/message/custom/typing"
        public var typing = true
        /// Pushes with a timestamp further than this from now are refused (replays).
        public var timestampWindowSeconds = 300
        public var maxBodyBytes = 1 << 20
        /// Customer-service text is split at this many UTF-8 bytes.
        public var splitBytes = 2048
        /// At most this many customer-service messages per answer (WeChat allows 5 per user message).
        public var maxChunks = 5
        public var apiTimeout: Duration = .seconds(5)
        /// How long `ask` waits for the answer before replying with a calm fallback.
        public var askTimeout: Duration = .seconds(15)
        /// Lifetime of a mini-program session token.
        public var sessionTTL: Duration = .seconds(24 * 3600)
        /// Key for signing session tokens; nil: random per process (users log in again after a restart).
        public var sessionSecret: String?
        public var maxSessions = 100_000
        /// Questions per user per minute on the Q&A API.
        public var askPerMinute = 10
        /// Check questions and answers of the Q&A API with `msg_sec_check`.
        public var contentCheck = false

        public init() {}

        public var isEnabled: Bool { enabled ?? (appID != nil) }

        public var effectiveMode: WeChatSecurityMode { mode ?? (encodingAESKey != nil ? .safe : .plaintext) }
    }
}
