import Foundation
import Hummingbird
import TelegramBotAPIFake
import WeChatTestSupport

/// The fake platforms in one process: a strict fake Telegram Bot API under `/telegram` and a
/// strict fake WeChat API under `/wechat-api`. Heartline is pointed at them by its base-URL
/// settings; they record every call (that is how replies are seen) and take injected faults.
public final class SimulatorPlatform: Sendable {
    public static let telegramPrefix = "/telegram"
    public static let wechatPrefix = "/wechat-api"

    public let telegram: TelegramBotAPIFake?
    public let wechat: FakeWeChatAPI?

    public static let faults: [String: [String]] = [
        "telegram": ["429", "500", "slow", "blocked"],
        "wechat": ["40001", "45015", "45047", "500", "slow", "busy"],
        "miniprogram": ["login-40029", "login-busy", "slow-login"],
    ]

    public init(configuration: SimulatorConfiguration) {
        telegram = configuration.telegram.map {
            TelegramBotAPIFake(options: .init(token: $0.token, botUsername: $0.botUsername))
        }
        wechat = configuration.wechat.map { FakeWeChatAPI(appID: $0.appID, secret: $0.appSecret) }
    }

    public func addRoutes(to router: Router<BasicRequestContext>) {
        telegram?.addRoutes(to: router, prefix: Self.telegramPrefix)
        wechat?.addRoutes(to: router, prefix: Self.wechatPrefix)
    }

    /// Scripts the next `count` calls of the affected API to fail as the platform does.
    public func inject(_ fault: FaultRequest) throws(SimulatorError) -> String {
        let count = max(1, min(fault.count ?? 1, 10))
        switch fault.platform {
        case .telegram:
            guard let telegram else { throw .channelOff(.telegram) }
            let known = Self.faults["telegram", default: []].joined(separator: ", ")
            let scripted: TelegramBotAPIFake.Scripted = switch fault.fault {
            case "429": .tooManyRequests(retryAfter: 1)
            case "500": .serverError
            case "slow": .delay(.seconds(3))
            case "blocked": .blocked
            default: throw .badRequest("unknown Telegram fault \"\(fault.fault)\"; one of \(known)")
            }
            telegram.script("sendMessage", Array(repeating: scripted, count: count))
            return "next \(count) sendMessage call(s): \(fault.fault)"
        case .wechat, .miniprogram:
            guard let wechat else { throw .channelOff(fault.platform) }
            let known = (Self.faults["wechat", default: []] + Self.faults["miniprogram", default: []]).joined(separator: ", ")
            let (endpoint, script): (FakeWeChatAPI.Endpoint, FakeWeChatAPI.Script) = switch fault.fault {
            case "40001": (.send, .errcode(40001))
            case "45015": (.send, .errcode(45015))
            case "45047": (.send, .errcode(45047))
            case "500": (.send, .status(500))
            case "slow": (.send, .delay(.seconds(3)))
            case "busy": (.send, .errcode(-1))
            case "login-40029": (.login, .errcode(40029))
            case "login-busy": (.login, .errcode(-1))
            case "slow-login": (.login, .delay(.seconds(3)))
            default: throw .badRequest("unknown WeChat fault \"\(fault.fault)\"; one of \(known)")
            }
            for _ in 0..<count { wechat.script(endpoint, script) }
            return "next \(count) \(endpoint.rawValue) call(s): \(fault.fault)"
        }
    }

    // MARK: What Heartline sent

    /// Text of every successful `sendMessage` to `chat`.
    func telegramTexts(chat: Int64) -> [String] {
        (telegram?.sentMessages() ?? []).compactMap { call in
            let json = call.json
            guard (json["chat_id"] as? NSNumber)?.int64Value == chat else { return nil }
            return json["text"] as? String
        }
    }

    var telegramCallCount: Int { telegram?.calls().count ?? 0 }

    /// Calls since `index` addressed to `chat` (the user's replies, typing), as wire records.
    func telegramCalls(from index: Int, chat: Int64) -> [WireRecord] {
        (telegram?.calls() ?? []).dropFirst(index).filter { ($0.json["chat_id"] as? NSNumber)?.int64Value == chat }.map { call in
            WireRecord(direction: "heartline-to-platform", label: "\(call.method) → \(call.status)", body: JSONText.pretty(call.body))
        }
    }

    func wechatTexts(openID: String) -> [String] {
        (wechat?.sent ?? []).filter { $0.touser == openID }.map(\.content)
    }

    var wechatCallCount: Int { wechat?.requests.count ?? 0 }

    func wechatCalls(from index: Int) -> [WireRecord] {
        (wechat?.requests ?? []).dropFirst(index).map { call in
            WireRecord(direction: "heartline-to-platform", label: call.path.replacingOccurrences(of: Self.wechatPrefix, with: ""), body: JSONText.pretty(Array(call.body.utf8)))
        }
    }
}
