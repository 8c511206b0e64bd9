import ChatCore
import Foundation
import NIOHTTP1
import WeChatAdapter

/// Builds WeChat customer-service pushes (docs/protocols.md A.4–A.8) in the configured mode — signed,
/// and encrypted in safe or compatible mode, as JSON or XML — and delivers them as WeChat does:
/// an answer other than `success`/empty, or none within 5 s, means the same push comes again, at
/// most three deliveries in all (A.9).
struct WeChatDriver: Sendable {
    let configuration: SimulatorConfiguration.WeChat
    let poster: HTTPPoster
    let pushTimeout: Duration

    static func openID(_ user: String) -> String { "oSim_" + StableID.slug(user) }

    func message(user: String, text: String, kind: SimKind, format: WeChatBodyFormat, msgID: Int64, createTime: Int64) -> [UInt8] {
        let to = configuration.originalID, from = Self.openID(user)
        switch kind {
        case .event:
            return WeChatPushBuilder.eventMessage(format: format, to: to, from: from, createTime: createTime, event: "user_enter_tempsession")
        case .image, .photo:
            let url = "https://mmbiz.example.invalid/sim/\(msgID).jpg"
            switch format {
            case .json:
                return Array("{\"ToUserName\":\(WeChatPushBuilder.jsonString(to)),\"FromUserName\":\(WeChatPushBuilder.jsonString(from)),\"CreateTime\":\(createTime),\"MsgType\":\"image\",\"PicUrl\":\(WeChatPushBuilder.jsonString(url)),\"MediaId\":\"SIM_media_\(msgID)\",\"MsgId\":\(msgID)}".utf8)
            case .xml:
                return Array("<xml><ToUserName>\(WeChatPushBuilder.cdata(to))</ToUserName><FromUserName>\(WeChatPushBuilder.cdata(from))</FromUserName><CreateTime>\(createTime)</CreateTime><MsgType><![CDATA[image]]></MsgType><PicUrl>\(WeChatPushBuilder.cdata(url))</PicUrl><MediaId><![CDATA[SIM_media_\(msgID)]]></MediaId><MsgId>\(msgID)</MsgId></xml>".utf8)
            }
        default:
            return WeChatPushBuilder.textMessage(format: format, to: to, from: from, createTime: createTime, content: text, msgID: msgID)
        }
    }

    /// The signed (and encrypted) request for a message.
    func request(message: [UInt8], format: WeChatBodyFormat, user: String, timestamp: Int64) throws(SimulatorError) -> WeChatPushBuilder.Request {
        let cipher: WeChatCipher?
        do {
            cipher = try configuration.encodingAESKey.map { key throws(WeChatCryptoError) in try WeChatCipher(encodingAESKey: key, appID: configuration.appID) }
            let builder = WeChatPushBuilder(token: configuration.token, cipher: cipher)
            let nonce = String(UInt32.random(in: 100_000_000...999_999_999))
            return try builder.build(
                message: message, format: format, mode: configuration.mode, toUserName: configuration.originalID,
                timestamp: timestamp, nonce: nonce, openID: Self.openID(user)
            )
        } catch {
            throw .badRequest("cannot build the WeChat push: \(error)")
        }
    }

    /// One delivery; WeChat waits `pushTimeout` (5 s) for the answer.
    func deliver(base: String, request: WeChatPushBuilder.Request, format: WeChatBodyFormat) async -> (DeliveryAttempt, WireRecord) {
        let contentType = format == .json ? "application/json" : "text/xml"
        do {
            let answer = try await poster.send(
                .POST, base + configuration.pushPath + request.queryString, headers: [("Content-Type", contentType)], body: request.body, deadline: pushTimeout
            )
            let text = String(decoding: answer.body, as: UTF8.self)
            // A.7: only 200 with `success` or an empty body stops WeChat's retries.
            let ok = answer.status == 200 && (text == "success" || text.isEmpty)
            let attempt = DeliveryAttempt(status: answer.status, latencyMs: Int(answer.latency.milliseconds), outcome: ok ? "accepted" : "refused")
            return (attempt, WireRecord(direction: "from-heartline", label: "HTTP \(answer.status)", body: text))
        } catch {
            switch error {
            case .timeout(let waited):
                return (DeliveryAttempt(status: nil, latencyMs: Int(waited.milliseconds), outcome: "timeout (WeChat gives up after 5 s)"), WireRecord(direction: "from-heartline", label: "no answer within 5 s", body: ""))
            case .unreachable(let why):
                return (DeliveryAttempt(status: nil, latencyMs: 0, outcome: "unreachable: " + why), WireRecord(direction: "from-heartline", label: "unreachable", body: why))
            }
        }
    }

    /// The push as shown on the wire view: the query (signatures are not secrets) and the body.
    func wire(_ request: WeChatPushBuilder.Request, plain: [UInt8]) -> [WireRecord] {
        var records = [WireRecord(direction: "to-heartline", label: "POST \(configuration.pushPath)\(request.queryString)", body: String(decoding: request.body, as: UTF8.self))]
        if configuration.mode != .plaintext {
            records.append(WireRecord(direction: "to-heartline", label: "(the encrypted message, decrypted)", body: String(decoding: plain, as: UTF8.self)))
        }
        return records
    }
}

/// The mini program's own page calling Heartline's Q&A API: `wx.login` code → `/login` → session
/// token → `/ask` with `Authorization: Bearer` (adapters/wechat-miniprogram/README.md).
struct MiniProgramDriver: Sendable {
    let configuration: SimulatorConfiguration.WeChat
    let poster: HTTPPoster

    /// A fresh `wx.login` code; the fake's jscode2session maps the part after the last `-` to the
    /// user, and codes are single-use as in WeChat.
    static func code(user: String) -> String { "sim" + SimulatorConfiguration.randomHex(12) + "-" + StableID.slug(user) }

    func login(base: String, user: String, deadline: Duration, wire: inout [WireRecord]) async throws(SimulatorError) -> String {
        let body = JSONText.encode(["code": Self.code(user: user)])
        wire.append(WireRecord(direction: "to-heartline", label: "POST \(configuration.miniProgramPath)/login", body: JSONText.pretty(body)))
        let answer: HTTPPoster.Answer
        do {
            answer = try await poster.send(.POST, base + configuration.miniProgramPath + "/login", headers: [("Content-Type", "application/json")], body: body, deadline: deadline)
        } catch {
            throw Self.failure(error, what: "login")
        }
        let object = JSONText.object(answer.body) ?? [:]
        var shown = object
        if shown["token"] != nil { shown["token"] = "••••••" }
        wire.append(WireRecord(direction: "from-heartline", label: "HTTP \(answer.status)", body: JSONText.pretty(JSONText.encode(shown))))
        guard answer.status == 200, let token = object["token"] as? String else {
            throw .badRequest("mini-program login refused (HTTP \(answer.status)): \(String(decoding: answer.body.prefix(300), as: UTF8.self))")
        }
        return token
    }

    func ask(base: String, token: String, question: String, idempotencyKey: String, deadline: Duration) async throws(SimulatorError) -> HTTPPoster.Answer {
        let body = JSONText.encode(["question": question, "idempotencyKey": idempotencyKey])
        do {
            return try await poster.send(
                .POST, base + configuration.miniProgramPath + "/ask",
                headers: [("Content-Type", "application/json"), ("Authorization", "Bearer " + token)], body: body, deadline: deadline
            )
        } catch {
            throw Self.failure(error, what: "ask")
        }
    }

    static func failure(_ error: HTTPPoster.Failure, what: String) -> SimulatorError {
        switch error {
        case .timeout(let waited): .timeout("the mini-program \(what) API did not answer within \(waited.milliseconds) ms")
        case .unreachable(let why): .unreachable("cannot reach Heartline's mini-program API: \(why)")
        }
    }
}
