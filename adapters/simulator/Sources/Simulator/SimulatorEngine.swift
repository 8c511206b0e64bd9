import AsyncHTTPClient
import ChatCore
import Foundation
import NIOHTTP1
import WeChatAdapter

/// Plays users on the platforms against one Heartline: builds each platform's payloads, delivers
/// them to the real endpoints with the platform's quirks (redelivery, duplicates, WeChat's 5 s
/// timeout), watches the fake platforms for the replies, and reports tier, latency and payloads.
/// Every wait has a deadline.
public actor SimulatorEngine {
    struct UserState {
        var nextMessageID: Int64 = 1
        var lastMessageID: Int64?
        var miniToken: String?
        var last: SendRequest?
        var lastTelegram: (body: [UInt8], chat: Int64)?
        var lastWeChat: (request: WeChatPushBuilder.Request, plain: [UInt8], format: WeChatBodyFormat)?
        var lastAskKey: String?
    }

    public let configuration: SimulatorConfiguration
    public let platform: SimulatorPlatform
    let poster: HTTPPoster
    var target: String?
    var users: [String: UserState] = [:]
    // Ids from the clock, so that a restarted simulator never reuses one the server has deduped.
    var nextUpdateID = Int64(Date().timeIntervalSince1970 * 1000) % 1_000_000_000_000
    var nextMsgID = Int64(Date().timeIntervalSince1970 * 1000) * 1000

    public init(configuration: SimulatorConfiguration, platform: SimulatorPlatform, target: String? = nil, httpClient: HTTPClient = SimulatorHTTPClient.shared) {
        self.configuration = configuration
        self.platform = platform
        self.poster = HTTPPoster(client: httpClient)
        self.target = target
    }

    /// Where Heartline listens (`http://127.0.0.1:8080`); known once its server runs.
    public func setTarget(_ base: String) { target = base }

    public func info() -> SimulatorInfo {
        var platforms: [SimPlatform] = []
        if configuration.telegram != nil { platforms.append(.telegram) }
        if configuration.wechat != nil { platforms += [.wechat, .miniprogram] }
        return SimulatorInfo(heartline: target, platforms: platforms, wechatMode: configuration.wechat?.mode.rawValue, faults: SimulatorPlatform.faults)
    }

    public func inject(_ fault: FaultRequest) throws(SimulatorError) -> String {
        try platform.inject(fault)
    }

    /// Forgets the simulated user's state (ids, session token) and sends `/reset` so that the
    /// server clears the conversation too.
    public func reset(platform: SimPlatform, user: String) async -> Exchange {
        users[Self.key(platform, user)] = nil
        return await send(SendRequest(platform: platform, user: user, text: "/reset"))
    }

    // MARK: Sending

    public func send(_ request: SendRequest) async -> Exchange {
        let kind = request.kind ?? .text
        var exchange = Exchange(
            platform: request.platform, user: request.user, text: request.text, kind: kind, replies: [], tier: nil, tierSource: nil,
            latencyMs: 0, deliveries: [], wire: [], error: nil, notes: []
        )
        do {
            let base = try requireTarget()
            let user = request.user.trimmingCharacters(in: .whitespaces)
            guard !user.isEmpty, user.utf8.count <= 64 else { throw SimulatorError.badRequest("user must be 1 to 64 bytes") }
            let copies = max(1, min(request.deliveries ?? 1, 5))
            switch request.platform {
            case .telegram:
                try await sendTelegram(request, kind: kind, user: user, base: base, copies: copies, into: &exchange)
            case .wechat:
                try await sendWeChat(request, kind: kind, user: user, base: base, copies: copies, into: &exchange)
            case .miniprogram:
                try await sendMiniProgram(request, user: user, base: base, copies: copies, reuseKey: nil, into: &exchange)
            }
            users[Self.key(request.platform, user), default: UserState()].last = request
        } catch let error as SimulatorError {
            exchange.error = error.description
        } catch {
            exchange.error = "\(error)"
        }
        return exchange
    }

    /// Delivers the user's last message again, exactly as before (same update_id / MsgId / key).
    public func redeliver(platform: SimPlatform, user: String) async -> Exchange {
        let state = users[Self.key(platform, user)] ?? UserState()
        guard let last = state.last, let base = target else {
            var exchange = Exchange(platform: platform, user: user, text: "", kind: .text, replies: [], tier: nil, tierSource: nil, latencyMs: 0, deliveries: [], wire: [], error: nil, notes: [])
            exchange.error = target == nil ? "Heartline is not running yet" : "nothing to redeliver: send a message first"
            return exchange
        }
        var exchange = Exchange(
            platform: platform, user: user, text: last.text, kind: last.kind ?? .text, replies: [], tier: nil, tierSource: nil,
            latencyMs: 0, deliveries: [], wire: [], error: nil, notes: ["redelivery of the previous message (a reply is not expected again)"]
        )
        do {
            switch platform {
            case .telegram:
                guard let telegram = configuration.telegram, let previous = state.lastTelegram else { throw SimulatorError.badRequest("nothing to redeliver") }
                let driver = TelegramDriver(configuration: telegram, poster: poster)
                try await deliverTelegram(driver, body: previous.body, chat: previous.chat, base: base, copies: 1, concurrent: false, expectReply: false, into: &exchange)
            case .wechat:
                guard let wechat = configuration.wechat, let previous = state.lastWeChat else { throw SimulatorError.badRequest("nothing to redeliver") }
                let driver = WeChatDriver(configuration: wechat, poster: poster, pushTimeout: configuration.wechatPushTimeout)
                try await deliverWeChat(driver, request: previous.request, plain: previous.plain, format: previous.format, user: user, base: base, copies: 1, concurrent: false, expectReply: false, into: &exchange)
            case .miniprogram:
                try await sendMiniProgram(last, user: user, base: base, copies: 1, reuseKey: state.lastAskKey, into: &exchange)
            }
        } catch let error as SimulatorError {
            exchange.error = error.description
        } catch {
            exchange.error = "\(error)"
        }
        return exchange
    }

    /// Two messages whose deliveries arrive in the opposite order of sending (a later update first).
    public func outOfOrder(platform: SimPlatform, user: String, first: String, second: String) async -> Exchange {
        var exchange = Exchange(platform: platform, user: user, text: first + " / " + second, kind: .text, replies: [], tier: nil, tierSource: nil, latencyMs: 0, deliveries: [], wire: [], error: nil, notes: ["second message delivered before the first"])
        do {
            let base = try requireTarget()
            switch platform {
            case .telegram:
                guard let telegram = configuration.telegram else { throw SimulatorError.channelOff(.telegram) }
                let driver = TelegramDriver(configuration: telegram, poster: poster)
                let chat = TelegramDriver.userID(user)
                let date = Int64(Date().timeIntervalSince1970)
                let ids = (takeUpdateID(), takeUpdateID())
                let m1 = takeMessageID(.telegram, user), m2 = takeMessageID(.telegram, user)
                let b1 = driver.update(id: ids.0, messageID: m1, previousMessageID: nil, user: user, text: first, kind: .text, date: date)
                let b2 = driver.update(id: ids.1, messageID: m2, previousMessageID: nil, user: user, text: second, kind: .text, date: date)
                let mark = self.platform.telegramTexts(chat: chat).count
                let callMark = self.platform.telegramCallCount
                let start = ContinuousClock.now
                for body in [b2, b1] {
                    exchange.wire.append(driver.wire(body: body))
                    let (attempt, answer) = await driver.deliver(base: base, body: body, deadline: configuration.replyTimeout)
                    exchange.deliveries.append(attempt)
                    exchange.wire.append(answer)
                }
                let platformRef = self.platform
                exchange.replies = await collect(expecting: 2, start: start, into: &exchange) { Array(platformRef.telegramTexts(chat: chat).dropFirst(mark)) }
                exchange.total = mark + exchange.replies.count
                exchange.wire += self.platform.telegramCalls(from: callMark, chat: chat)
            case .wechat:
                guard let wechat = configuration.wechat else { throw SimulatorError.channelOff(.wechat) }
                let driver = WeChatDriver(configuration: wechat, poster: poster, pushTimeout: configuration.wechatPushTimeout)
                let openID = WeChatDriver.openID(user)
                let now = Int64(Date().timeIntervalSince1970)
                let ids = (takeMsgID(), takeMsgID())
                let p1 = driver.message(user: user, text: first, kind: .text, format: .json, msgID: ids.0, createTime: now)
                let p2 = driver.message(user: user, text: second, kind: .text, format: .json, msgID: ids.1, createTime: now)
                let mark = self.platform.wechatTexts(openID: openID).count
                let callMark = self.platform.wechatCallCount
                let start = ContinuousClock.now
                for plain in [p2, p1] {
                    let push = try driver.request(message: plain, format: .json, user: user, timestamp: now)
                    exchange.wire += driver.wire(push, plain: plain)
                    let (attempt, answer) = await driver.deliver(base: base, request: push, format: .json)
                    exchange.deliveries.append(attempt)
                    exchange.wire.append(answer)
                }
                let platformRef = self.platform
                exchange.replies = await collect(expecting: 2, start: start, into: &exchange) { Array(platformRef.wechatTexts(openID: openID).dropFirst(mark)) }
                exchange.total = mark + exchange.replies.count
                exchange.wire += self.platform.wechatCalls(from: callMark)
            case .miniprogram:
                throw SimulatorError.badRequest("out-of-order delivery is simulated for Telegram (update_id) and WeChat pushes (MsgId); the mini program asks synchronously")
            }
            finishInferred(&exchange)
        } catch let error as SimulatorError {
            exchange.error = error.description
        } catch {
            exchange.error = "\(error)"
        }
        return exchange
    }

    // MARK: Helpers

    /// Waits for replies to appear at the fake platform: up to `replyTimeout` for the first, then
    /// `settle` after each one (split answers, duplicates); with none expected, `quiet`.
    func collect(expecting count: Int, start: ContinuousClock.Instant, into exchange: inout Exchange, _ snapshot: @Sendable () -> [String]) async -> [String] {
        let firstDeadline = start + (count > 0 ? configuration.replyTimeout : configuration.quiet)
        var replies = snapshot()
        var firstAt: ContinuousClock.Instant?
        while replies.count < max(count, 1), ContinuousClock.now < firstDeadline {
            try? await Task.sleep(for: .milliseconds(20))
            replies = snapshot()
        }
        if !replies.isEmpty { firstAt = .now }
        if count > 0, replies.isEmpty {
            exchange.notes.append("no reply within \(configuration.replyTimeout.milliseconds) ms")
        }
        if !replies.isEmpty {
            var settleDeadline = ContinuousClock.now + configuration.settle
            while ContinuousClock.now < settleDeadline {
                try? await Task.sleep(for: .milliseconds(20))
                let now = snapshot()
                if now.count > replies.count {
                    replies = now
                    settleDeadline = ContinuousClock.now + configuration.settle
                }
            }
        }
        exchange.latencyMs = Int(((firstAt ?? .now) - start).milliseconds)
        return replies
    }

    func finishInferred(_ exchange: inout Exchange) {
        if let tier = TierInference.tier(of: exchange.replies) {
            exchange.tier = tier.rawValue
            exchange.tierSource = "inferred"
        }
    }

    func requireTarget() throws(SimulatorError) -> String {
        guard let target else { throw .unreachable("Heartline is not running yet") }
        return target
    }

    func takeUpdateID() -> Int64 {
        nextUpdateID += 1
        return nextUpdateID
    }

    func takeMsgID() -> Int64 {
        nextMsgID += 1
        return nextMsgID
    }

    func takeMessageID(_ platform: SimPlatform, _ user: String) -> Int64 {
        let key = Self.key(platform, user)
        let id = users[key, default: UserState()].nextMessageID
        users[key, default: UserState()].nextMessageID = id + 1
        users[key, default: UserState()].lastMessageID = id
        return id
    }

    static func key(_ platform: SimPlatform, _ user: String) -> String { platform.rawValue + ":" + user }
}
