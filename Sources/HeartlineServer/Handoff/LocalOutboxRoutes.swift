import ChatCore
import Foundation
import Hummingbird

/// `GET /v1/local/messages?user=…` — messages for a local-channel user that are not replies to a
/// request (a counsellor's messages, handoff notices): `{"messages":[{"text","at"}]}`, each handed
/// out once. Same bearer key as `POST /v1/local/messages` when one is set.
struct LocalOutboxRoutes: Sendable {
    struct Body: Encodable {
        struct Item: Encodable {
            var text: String
            var at: String
        }
        var messages: [Item]
    }

    let outbox: LocalOutbox
    let apiKey: String?

    func add<Context: RequestContext>(to router: Router<Context>) {
        router.get("/v1/local/messages") { request, _ -> Response in
            do throws(APIError) {
                return try handle(request)
            } catch {
                return error.response
            }
        }
    }

    func handle(_ request: Request) throws(APIError) -> Response {
        if let apiKey {
            let presented = request.headers[.authorization].flatMap { value -> String? in
                value.hasPrefix("Bearer ") ? String(value.dropFirst(7)) : nil
            }
            guard let presented, ConstantTime.equals(presented, apiKey) else { throw .unauthorized }
        }
        let user = request.uri.queryParameters.get("user")?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard !user.isEmpty, user.utf8.count <= 256 else { throw .invalidField("user", "must be 1 to 256 bytes") }
        let items = outbox.take(user).map { Body.Item(text: $0.text, at: HandoffJSON.date($0.at)) }
        return JSONCoding.response(Body(messages: items))
    }
}
