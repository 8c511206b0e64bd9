import Crypto
import ChatCore
import Foundation
import HTTPTypes
import Hummingbird

/// `POST /v1/local/messages` — the local channel used by the simulator, tests and developers:
/// `{"user","text","id"?,"lang"?}` → `{"reply","tier","source","duplicate"}`. The same `id` sent
/// twice gets the same reply (idempotent) and is answered once.
struct LocalChannelRoutes {
    struct MessageRequest: Decodable {
        var user: String
        var text: String
        var id: String?
        var lang: String?
    }

    struct MessageResponse: Encodable {
        var reply: String
        var tier: String
        var source: String
        var body: String
        var disclaimer: String?
        var resources: String?
        var duplicate: Bool
    }

    let intake: MessageIntake
    let maxBodyBytes: Int
    let apiKey: String?
    let replyTimeout: Duration
    let now: @Sendable () -> Date

    func add<Context: RequestContext>(to router: Router<Context>) {
        router.post("/v1/local/messages") { request, _ -> Response in
            do {
                return try await handle(request)
            } catch let error as APIError {
                return error.response
            }
        }
    }

    func handle(_ request: Request) async throws(APIError) -> Response {
        if let apiKey {
            let presented = request.headers[.authorization].flatMap { value -> String? in
                value.hasPrefix("Bearer ") ? String(value.dropFirst(7)) : nil
            }
            guard let presented, ConstantTime.equals(presented, apiKey) else { throw .unauthorized }
        }
        try RequestBody.requireJSONContentType(request)
        let bytes = try await RequestBody.collect(request, limit: maxBodyBytes)
        let body = try RequestBody.decodeJSON(MessageRequest.self, from: bytes)
        let user = body.user.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !user.isEmpty, user.utf8.count <= 256 else { throw .invalidField("user", "must be 1 to 256 bytes") }
        if let id = body.id, id.isEmpty || id.utf8.count > 256 { throw .invalidField("id", "must be 1 to 256 bytes") }
        if let lang = body.lang, lang.utf8.count > 35 { throw .invalidField("lang", "must be a language tag such as en or zh") }

        let message = InboundMessage(
            channel: .local,
            userKey: "local:" + user,
            chatKey: user,
            platformMessageID: body.id ?? UUID().uuidString,
            text: body.text,
            languageTag: body.lang,
            receivedAt: now()
        )
        let result: MessageIntake.SyncResult
        do {
            result = try await intake.submitAndWait(message, timeout: replyTimeout)
        } catch {
            switch error {
            case .busy: throw .busy
            case .storeUnavailable: throw .storeUnavailable
            }
        }
        let reply: Reply
        let duplicate: Bool
        switch result {
        case .reply(let r, let d):
            (reply, duplicate) = (r, d)
        case .timedOut:
            throw .replyTimeout
        case .answeredBefore:
            throw APIError(.conflict, "already_answered", "This message id was answered earlier; its reply is no longer kept.")
        }
        return JSONCoding.response(MessageResponse(
            reply: reply.text, tier: reply.tier.rawValue, source: reply.source.rawValue, body: reply.body,
            disclaimer: reply.disclaimer, resources: reply.resourceLine, duplicate: duplicate
        ))
    }
}

/// Comparison of secrets whose time does not depend on where the inputs differ: swift-crypto's
/// digest equality is constant-time, and comparing digests also hides the secret's length.
public enum ConstantTime {
    public static func equals(_ a: String, _ b: String) -> Bool {
        SHA256.hash(data: Array(a.utf8)) == SHA256.hash(data: Array(b.utf8))
    }
}
