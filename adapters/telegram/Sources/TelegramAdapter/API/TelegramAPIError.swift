import Foundation

/// Telegram's `ok: false` answer (B.1), decoded from the response envelope.
public struct TelegramAPIFailure: Sendable, Equatable {
    /// The HTTP status of the response.
    public var status: Int
    /// `error_code` (normally equal to the status).
    public var errorCode: Int
    /// Telegram's description, e.g. `Forbidden: bot was blocked by the user`. Contains no message
    /// text; still truncated before it reaches a log.
    public var description: String
    /// `parameters.retry_after` in seconds (429).
    public var retryAfter: Int?
    /// `parameters.migrate_to_chat_id` (400, group upgraded to a supergroup).
    public var migrateToChatID: Int64?

    public init(status: Int, errorCode: Int, description: String, retryAfter: Int? = nil, migrateToChatID: Int64? = nil) {
        self.status = status
        self.errorCode = errorCode
        self.description = description
        self.retryAfter = retryAfter
        self.migrateToChatID = migrateToChatID
    }

    /// The code that decides what to do: `error_code` when sensible, else the HTTP status.
    public var code: Int { (400...599).contains(errorCode) ? errorCode : status }

    /// 403: blocked by the user, kicked from the group, user deactivated. Never retried.
    public var isForbidden: Bool { code == 403 }
    /// 400 "can't parse entities": the markup was rejected; resend without `parse_mode`.
    public var isMarkupRejected: Bool { code == 400 && description.lowercased().contains("can't parse entities") }
    /// 409: a webhook is set, or another `getUpdates` consumer is running.
    public var isConflict: Bool { code == 409 }
    public var isWebhookActive: Bool { isConflict && description.lowercased().contains("webhook") }

    /// A short, log-safe form.
    public var summary: String { "\(code) \(description.prefix(120))" }
}

/// Why a Bot API call failed. Descriptions never contain the token (it is in the URL path, and
/// URLs are never part of an error).
public enum TelegramAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    case api(TelegramAPIFailure)
    /// No answer within the call's deadline.
    case timeout
    /// Connection refused or reset, DNS, TLS…; the associated value is a kind, not a message.
    case transport(String)
    case responseTooLarge(limit: Int)
    /// Not the JSON envelope Telegram sends.
    case invalidResponse(String)
    /// The task was cancelled (shutdown).
    case cancelled

    public var description: String {
        switch self {
        case .api(let failure): "telegram error \(failure.summary)"
        case .timeout: "telegram call timed out"
        case .transport(let kind): "telegram transport error (\(kind))"
        case .responseTooLarge(let limit): "telegram response larger than \(limit) bytes"
        case .invalidResponse(let why): "invalid telegram response: \(why)"
        case .cancelled: "telegram call cancelled"
        }
    }

    /// Worth another attempt later: 5xx, timeouts, connection errors.
    public var isTransient: Bool {
        switch self {
        case .api(let failure): failure.code >= 500
        case .timeout, .transport: true
        case .responseTooLarge, .invalidResponse, .cancelled: false
        }
    }

    public var failure: TelegramAPIFailure? {
        if case .api(let failure) = self { return failure }
        return nil
    }
}

/// The response envelope: `{"ok": true, "result": …}` or `{"ok": false, "error_code", "description",
/// "parameters"}`.
struct TelegramEnvelope<Result: Decodable>: Decodable {
    struct Parameters: Decodable {
        var retryAfter: Int?
        var migrateToChatID: Int64?

        enum CodingKeys: String, CodingKey {
            case retryAfter = "retry_after"
            case migrateToChatID = "migrate_to_chat_id"
        }
    }

    var ok: Bool
    var result: Result?
    var errorCode: Int?
    var description: String?
    var parameters: Parameters?

    enum CodingKeys: String, CodingKey {
        case ok, result, description, parameters
        case errorCode = "error_code"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ok = try c.decode(Bool.self, forKey: .ok)
        result = ok ? try c.decodeIfPresent(Result.self, forKey: .result) : nil
        errorCode = try? c.decodeIfPresent(Int.self, forKey: .errorCode)
        description = try? c.decodeIfPresent(String.self, forKey: .description)
        parameters = try? c.decodeIfPresent(Parameters.self, forKey: .parameters)
    }
}

/// Decodes a failure from any non-2xx response, whether or not its body is the envelope.
enum TelegramFailureDecoder {
    struct Ignored: Decodable {}

    static func failure(status: Int, body: [UInt8]) -> TelegramAPIFailure {
        if let envelope = try? JSONDecoder().decode(TelegramEnvelope<Ignored>.self, from: Data(body)) {
            return TelegramAPIFailure(
                status: status,
                errorCode: envelope.errorCode ?? status,
                description: envelope.description ?? "",
                retryAfter: envelope.parameters?.retryAfter,
                migrateToChatID: envelope.parameters?.migrateToChatID
            )
        }
        return TelegramAPIFailure(status: status, errorCode: status, description: "")
    }
}
