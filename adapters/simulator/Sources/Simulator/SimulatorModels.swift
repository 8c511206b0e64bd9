import Foundation

/// The platforms a simulated user can be on.
public enum SimPlatform: String, Sendable, Codable, CaseIterable {
    case telegram, wechat, miniprogram

    public static func parse(_ text: String) throws(SimulatorError) -> SimPlatform {
        guard let platform = SimPlatform(rawValue: text.lowercased()) else {
            throw .badRequest("unknown platform \"\(text)\"; expected one of telegram, wechat, miniprogram")
        }
        return platform
    }
}

/// What the user sends. Telegram: `text` (private chat), `group` (a command in a supergroup,
/// addressed `/cmd@bot`; plain text there is group chatter the bot does not answer), `reply` (a
/// reply to the bot in a group), `photo`, `edited` (an edit of the previous message). WeChat:
/// `text`, `image`, `event` (the user opens the chat). The mini program asks questions only.
public enum SimKind: String, Sendable, Codable, CaseIterable {
    case text, group, reply, photo, edited, image, event
}

/// One message to send through a platform.
public struct SendRequest: Sendable, Codable {
    public var platform: SimPlatform
    public var user: String
    public var text: String
    public var kind: SimKind?
    /// WeChat push body format: `json` (default) or `xml`.
    public var format: String?
    /// How many times the platform delivers the same message (duplicate deliveries); default 1.
    public var deliveries: Int?
    /// Deliver the copies at the same time instead of one after another.
    public var concurrent: Bool?
    /// Whether to wait for a reply (default: yes, except for kinds the bot ignores).
    public var expectReply: Bool?

    public init(platform: SimPlatform, user: String, text: String, kind: SimKind? = nil, format: String? = nil, deliveries: Int? = nil, concurrent: Bool? = nil, expectReply: Bool? = nil) {
        self.platform = platform
        self.user = user
        self.text = text
        self.kind = kind
        self.format = format
        self.deliveries = deliveries
        self.concurrent = concurrent
        self.expectReply = expectReply
    }
}

/// One payload on the wire, for `--show-wire` and the browser's wire view. Secrets are masked.
public struct WireRecord: Sendable, Codable, Equatable {
    /// `to-heartline`, `from-heartline` (its HTTP answer), `heartline-to-platform` (calls it made).
    public var direction: String
    public var label: String
    public var body: String

    public init(direction: String, label: String, body: String) {
        self.direction = direction
        self.label = label
        self.body = body
    }
}

/// One delivery attempt of a platform message to Heartline.
public struct DeliveryAttempt: Sendable, Codable, Equatable {
    public var status: Int?
    public var latencyMs: Int
    public var outcome: String
}

/// The result of sending one message: what came back, how fast, and the payloads.
public struct Exchange: Sendable, Codable {
    public var platform: SimPlatform
    public var user: String
    public var text: String
    public var kind: SimKind
    /// Every reply message the user received (a long answer can arrive in several messages).
    public var replies: [String]
    /// The safety tier: from the server (mini program) or inferred from the reply text.
    public var tier: String?
    /// `server` or `inferred` (see adapters/simulator/README.md).
    public var tierSource: String?
    /// From sending to the first reply (or to the end of waiting when there was none).
    public var latencyMs: Int
    public var deliveries: [DeliveryAttempt]
    public var wire: [WireRecord]
    /// A problem the simulator met (unreachable server, refused delivery, timeout).
    public var error: String?
    public var notes: [String]
    /// How many messages the user's chat held after this exchange's replies: messages past it
    /// arrived later, unasked (a counsellor's, `GET /simulator/api/messages?after=`).
    public var total: Int? = nil

    public var replied: Bool { !replies.isEmpty }
}

/// A fault to inject into a fake platform's next call(s).
public struct FaultRequest: Sendable, Codable {
    /// `telegram`: `429`, `500`, `slow`, `blocked`. `wechat`/`miniprogram`: `40001`, `45015`, `45047`,
    /// `500`, `slow`, `login-40029`, `busy` (WeChat system busy, -1).
    public var platform: SimPlatform
    public var fault: String
    public var count: Int?

    public init(platform: SimPlatform, fault: String, count: Int? = nil) {
        self.platform = platform
        self.fault = fault
        self.count = count
    }
}

/// What the simulator is connected to, for the browser and the terminal.
public struct SimulatorInfo: Sendable, Codable {
    public var heartline: String?
    public var platforms: [SimPlatform]
    public var wechatMode: String?
    public var faults: [String: [String]]
}

public enum SimulatorError: Error, Sendable, CustomStringConvertible, Equatable {
    case badRequest(String)
    case unreachable(String)
    case timeout(String)
    case channelOff(SimPlatform)

    public var description: String {
        switch self {
        case .badRequest(let why): why
        case .unreachable(let why): why
        case .timeout(let why): why
        case .channelOff(let platform): "the \(platform.rawValue) channel is off in this Heartline (no credentials configured for the simulator)"
        }
    }
}
