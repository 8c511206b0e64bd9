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
        /// Key for signing and sealing session tokens, the same on every instance; nil: derived from
        /// the user-key hash key (`hashKey` or the store's key), which instances already share.
        public var sessionSecret: String?
        /// Questions per user per minute on the Q&A API (per instance).
        public var askPerMinute = 10
        /// Logins per user per minute (per instance), after WeChat named the user.
        public var loginPerMinute = 5
        /// Logins per minute for the whole instance, before WeChat is asked (protects the
        /// `jscode2session` quota from a flood of made-up codes).
        public var loginPerMinuteTotal = 600
        /// Check questions and answers of the Q&A API with `msg_sec_check`.
        public var contentCheck = false

        public init() {}

        public var isEnabled: Bool { enabled ?? (appID != nil) }

        /// The longest an `ask` request can take on the server: the answer budget plus one
        /// content check of the question and one of the answer. The page sets its request
        /// timeout from this (it gets it at login and with every answer).
        public var askBudget: Duration { askTimeout + (contentCheck ? apiTimeout * 2 : .zero) }

        public var effectiveMode: WeChatSecurityMode { mode ?? (encodingAESKey != nil ? .safe : .plaintext) }
    }
}
