import ChatCore
import Foundation
import WeChatAdapter

extension SimulatorEngine {
    // MARK: WeChat push

    func sendWeChat(_ request: SendRequest, kind: SimKind, user: String, base: String, copies: Int, into exchange: inout Exchange) async throws {
        guard let wechat = configuration.wechat else { throw SimulatorError.channelOff(.wechat) }
        guard [.text, .image, .photo, .event].contains(kind) else {
            throw SimulatorError.badRequest("WeChat pushes are text, image or event, not \(kind.rawValue)")
        }
        let format: WeChatBodyFormat
        switch request.format?.lowercased() {
        case nil, "json": format = .json
        case "xml": format = .xml
        case let other?: throw SimulatorError.badRequest("WeChat format must be json or xml, not \(other)")
        }
        let driver = WeChatDriver(configuration: wechat, poster: poster, pushTimeout: configuration.wechatPushTimeout)
        let now = Int64(Date().timeIntervalSince1970)
        let plain = driver.message(user: user, text: request.text, kind: kind, format: format, msgID: takeMsgID(), createTime: now)
        let push = try driver.request(message: plain, format: format, user: user, timestamp: now)
        users[Self.key(.wechat, user), default: UserState()].lastWeChat = (push, plain, format)
        try await deliverWeChat(
            driver, request: push, plain: plain, format: format, user: user, base: base, copies: copies,
            concurrent: request.concurrent ?? false, expectReply: request.expectReply ?? true, into: &exchange
        )
    }

    func deliverWeChat(
        _ driver: WeChatDriver, request: WeChatPushBuilder.Request, plain: [UInt8], format: WeChatBodyFormat, user: String, base: String,
        copies: Int, concurrent: Bool, expectReply: Bool, into exchange: inout Exchange
    ) async throws {
        let openID = WeChatDriver.openID(user)
        let mark = platform.wechatTexts(openID: openID).count
        let callMark = platform.wechatCallCount
        let start = ContinuousClock.now
        exchange.wire += driver.wire(request, plain: plain)
        if copies > 1 { exchange.notes.append("the same push delivered \(copies) times\(concurrent ? " at once" : "")") }
        if concurrent && copies > 1 {
            let results = await withTaskGroup(of: (DeliveryAttempt, WireRecord).self) { group in
                for _ in 0..<copies { group.addTask { await driver.deliver(base: base, request: request, format: format) } }
                var all: [(DeliveryAttempt, WireRecord)] = []
                for await result in group { all.append(result) }
                return all
            }
            for (attempt, record) in results {
                exchange.deliveries.append(attempt)
                exchange.wire.append(record)
            }
        } else {
            for _ in 0..<copies {
                // A.9: no valid answer within 5 s → the same push again, three deliveries at most.
                for attemptNumber in 1...3 {
                    let (attempt, record) = await driver.deliver(base: base, request: request, format: format)
                    exchange.deliveries.append(attempt)
                    exchange.wire.append(record)
                    if attempt.outcome.hasPrefix("unreachable") { throw SimulatorError.unreachable("cannot reach Heartline at \(base): \(attempt.outcome.dropFirst(13))") }
                    if attempt.outcome == "accepted" { break }
                    if attemptNumber < 3 {
                        exchange.notes.append("\(attempt.outcome): WeChat delivers the push again")
                    } else {
                        exchange.notes.append("three deliveries failed: the user sees 该小程序客服暂时无法提供服务，请稍后再试")
                    }
                }
            }
        }
        let platformRef = platform
        exchange.replies = await collect(expecting: expectReply ? 1 : 0, start: start, into: &exchange) {
            Array(platformRef.wechatTexts(openID: openID).dropFirst(mark))
        }
        exchange.total = mark + exchange.replies.count
        exchange.wire += platform.wechatCalls(from: callMark)
        finishInferred(&exchange)
    }

    // MARK: Mini program

    func sendMiniProgram(_ request: SendRequest, user: String, base: String, copies: Int, reuseKey: String?, into exchange: inout Exchange) async throws {
        guard let wechat = configuration.wechat else { throw SimulatorError.channelOff(.miniprogram) }
        let driver = MiniProgramDriver(configuration: wechat, poster: poster)
        let deadline = configuration.replyTimeout
        let key = Self.key(.miniprogram, user)
        var token: String
        if let cached = users[key]?.miniToken {
            token = cached
        } else {
            token = try await driver.login(base: base, user: user, deadline: deadline, wire: &exchange.wire)
            users[key, default: UserState()].miniToken = token
        }
        let idempotencyKey = reuseKey ?? "sim-" + UUID().uuidString.lowercased()
        users[key, default: UserState()].lastAskKey = idempotencyKey
        let start = ContinuousClock.now
        var first: Duration?
        for copy in 0..<copies {
            exchange.wire.append(WireRecord(
                direction: "to-heartline", label: "POST \(wechat.miniProgramPath)/ask  (Authorization: Bearer ••••••)",
                body: JSONText.pretty(JSONText.encode(["question": request.text, "idempotencyKey": idempotencyKey]))
            ))
            var answer = try await driver.ask(base: base, token: token, question: request.text, idempotencyKey: idempotencyKey, deadline: deadline)
            if answer.status == 401, copy == 0 {
                exchange.notes.append("session expired: logging in again")
                token = try await driver.login(base: base, user: user, deadline: deadline, wire: &exchange.wire)
                users[key, default: UserState()].miniToken = token
                answer = try await driver.ask(base: base, token: token, question: request.text, idempotencyKey: idempotencyKey, deadline: deadline)
            }
            exchange.wire.append(WireRecord(direction: "from-heartline", label: "HTTP \(answer.status)", body: JSONText.pretty(answer.body)))
            exchange.deliveries.append(DeliveryAttempt(status: answer.status, latencyMs: Int(answer.latency.milliseconds), outcome: answer.status == 200 ? "answered" : "refused"))
            guard answer.status == 200, let object = JSONText.object(answer.body) else {
                let message = (JSONText.object(answer.body)?["error"] as? [String: Any])?["message"] as? String
                exchange.notes.append("ask refused: HTTP \(answer.status)\(message.map { " — " + $0 } ?? "")")
                continue
            }
            if first == nil { first = .now - start }
            if object["duplicate"] as? Bool == true {
                exchange.notes.append("answered as a duplicate (same idempotency key): not answered twice")
            } else if let text = object["answer"] as? String {
                var parts = [text]
                if let resources = object["resourceLine"] as? String, !resources.isEmpty { parts.append(resources) }
                if let disclaimer = object["disclaimer"] as? String, !disclaimer.isEmpty { parts.append(disclaimer) }
                exchange.replies.append(parts.joined(separator: "\n\n"))
                exchange.tier = object["tier"] as? String
                exchange.tierSource = "server"
                if object["pending"] as? Bool == true { exchange.notes.append("the answer was not ready in time: fallback with pending=true") }
            }
        }
        exchange.latencyMs = Int((first ?? (.now - start)).milliseconds)
        if exchange.replies.isEmpty, exchange.error == nil, exchange.deliveries.allSatisfy({ $0.outcome != "answered" }) {
            exchange.error = exchange.notes.last ?? "no answer"
        }
    }
}
