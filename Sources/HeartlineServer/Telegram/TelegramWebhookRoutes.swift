import ChatCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TelegramAdapter

/// `POST /telegram/webhook` (and `/telegram/webhook/<bot>`, `<bot>` being the username or id):
/// secret check → size limit → decode → durable record → `200` with an empty body, fast. Replies
/// are sent later by the workers through the Bot API, where delivery can be confirmed and retried
/// (B.2: an answer inside the webhook response cannot be).
///
/// Status codes (Telegram re-delivers anything but 2xx for up to a day, B.2):
/// - 403: missing or wrong `X-Telegram-Bot-Api-Secret-Token` (checked before the body is read);
/// - 413: body over the limit (1 MiB); 415: not JSON; 400: invalid UTF-8, malformed JSON, no
///   positive `update_id` — none of these can come from Telegram;
/// - 200: recorded, a duplicate, or deliberately ignored (unknown update types, group chatter);
/// - 503 + Retry-After: not recorded (queue full, store down), so Telegram must try again.
struct TelegramWebhookRoutes: Sendable {
    let updates: TelegramUpdateIntake
    let secret: TelegramWebhookSecret?
    let path: String
    let maxBodyBytes: Int
    let profile: TelegramBotProfile

    static let forbidden = APIError(.forbidden, "forbidden", "The secret token is missing or wrong.")
    // A constant, valid header name; the unwrap cannot fail.
    static let secretHeader = HTTPField.Name(TelegramWebhookSecret.headerName)!

    func add<Context: RequestContext>(to router: Router<Context>) {
        router.post(RouterPath(path)) { request, _ -> Response in
            await respond(request, bot: nil)
        }
        router.post(RouterPath(path + "/{bot}")) { request, context -> Response in
            await respond(request, bot: context.parameters.get("bot") ?? "")
        }
    }

    func respond(_ request: Request, bot: String?) async -> Response {
        do {
            return try await handle(request, bot: bot)
        } catch {
            return error.response
        }
    }

    func handle(_ request: Request, bot: String?) async throws(APIError) -> Response {
        if let secret {
            let presented = request.headers[Self.secretHeader]
            guard secret.matches(presented) else { throw Self.forbidden }
        }
        if let bot {
            let identity = profile.current
            guard bot == identity.key || identity.isNamed(bot[...]) else {
                throw APIError(.notFound, "unknown_bot", "No bot with this name is served here.")
            }
        }
        try RequestBody.requireJSONContentType(request)
        let bytes = try await RequestBody.collect(request, limit: maxBodyBytes)
        let update: TelegramUpdate
        do {
            update = try TelegramUpdateDecoder.decode(bytes)
        } catch {
            switch error {
            case .invalidUTF8: throw .invalidUTF8
            case .malformedJSON: throw .invalidJSON
            case .missingUpdateID: throw .invalidField("update_id", "is required and must be an integer")
            case .invalidUpdateID: throw .invalidField("update_id", "must be positive")
            }
        }
        switch await updates.handle(update) {
        case .accepted, .duplicate, .membership, .operators, .ignored:
            return Response(status: .ok)
        case .busy:
            throw .busy
        case .storeUnavailable:
            throw .storeUnavailable
        }
    }
}
