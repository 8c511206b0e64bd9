import Foundation
import WeChatAdapter

/// What the simulator needs to know about the Heartline it talks to: the credentials both sides
/// share (generated dummies in local mode), the paths of the real endpoints, and how long to wait.
public struct SimulatorConfiguration: Sendable {
    public struct Telegram: Sendable {
        /// The bot token the fake Bot API accepts (a dummy; never printed).
        public var token: String
        /// The webhook secret token sent in `X-Telegram-Bot-Api-Secret-Token`; nil: none.
        public var webhookSecret: String?
        public var webhookPath: String
        public var botUsername: String

        public init(token: String, webhookSecret: String?, webhookPath: String = "/telegram/webhook", botUsername: String = "heartline_sim_bot") {
            self.token = token
            self.webhookSecret = webhookSecret
            self.webhookPath = webhookPath
            self.botUsername = botUsername
        }

        public var botID: Int64 { Int64(token.prefix { $0 != ":" }) ?? 0 }
    }

    public struct WeChat: Sendable {
        public var appID: String
        public var appSecret: String
        /// The push Token (signatures).
        public var token: String
        /// nil: plaintext mode only.
        public var encodingAESKey: String?
        public var mode: WeChatSecurityMode
        /// The mini program's original id (`gh_…`), the `ToUserName` of every push.
        public var originalID: String
        public var pushPath: String
        public var miniProgramPath: String

        public init(
            appID: String, appSecret: String, token: String, encodingAESKey: String?, mode: WeChatSecurityMode,
            originalID: String = "gh_5e1a7d0c0001", pushPath: String = "/wechat/push", miniProgramPath: String = "/wechat/miniprogram"
        ) {
            self.appID = appID
            self.appSecret = appSecret
            self.token = token
            self.encodingAESKey = encodingAESKey
            self.mode = mode
            self.originalID = originalID
            self.pushPath = pushPath
            self.miniProgramPath = miniProgramPath
        }
    }

    /// nil: the channel is off in the Heartline being simulated.
    public var telegram: Telegram?
    public var wechat: WeChat?
    /// How long to wait for a reply to arrive at the fake platform (or for the ask API).
    public var replyTimeout: Duration = .seconds(30)
    /// After a reply, how long to keep watching for more (split replies, duplicates).
    public var settle: Duration = .milliseconds(800)
    /// How long to watch when no reply is expected.
    public var quiet: Duration = .milliseconds(1500)
    /// WeChat closes a push after this long without an answer and delivers it again (A.9).
    public var wechatPushTimeout: Duration = .seconds(5)
    /// Telegram re-delivers after a non-2xx; the simulator compresses its schedule into this pause.
    public var telegramRedeliveryPause: Duration = .milliseconds(500)

    public init(telegram: Telegram?, wechat: WeChat?) {
        self.telegram = telegram
        self.wechat = wechat
    }

    /// Fresh dummy credentials for a local run: random, obviously fake, never printed.
    public static func generated(wechatMode: WeChatSecurityMode = .safe) -> SimulatorConfiguration {
        let botID = 7_100_000_000 + Int64.random(in: 0..<99_999_999)
        let telegram = Telegram(token: "\(botID):SIM_" + randomLetters(31), webhookSecret: "sim_" + randomHex(24))
        // Like the console's keys: 43 letters and digits, the Base64 of 32 random bytes without "=".
        var aesKey = ""
        repeat {
            let key = (0..<32).map { _ in UInt8.random(in: 0...255) }
            aesKey = String(Data(key).base64EncodedString().dropLast())
        } while aesKey.contains("+") || aesKey.contains("/")
        let wechat = WeChat(
            appID: "wxsim" + randomHex(13), appSecret: "sim" + randomHex(29), token: "sim" + randomHex(13),
            encodingAESKey: aesKey, mode: wechatMode
        )
        return SimulatorConfiguration(telegram: telegram, wechat: wechat)
    }

    static func randomHex(_ count: Int) -> String {
        String((0..<count).map { _ in "0123456789abcdef".randomElement() ?? "0" })
    }

    static func randomLetters(_ count: Int) -> String {
        String((0..<count).map { _ in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-".randomElement() ?? "a" })
    }
}
