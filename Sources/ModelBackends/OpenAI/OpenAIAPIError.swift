import ChatCore
import Foundation

/// An error answered by an OpenAI-compatible server, decoded tolerantly: the OpenAI shape
/// `{"error":{"message","type","param","code"}}`, the flat vLLM shape
/// `{"object":"error","message",…,"code":404}`, and `{"detail": …}`.
public struct OpenAIAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: Int
    public var code: String?
    public var type: String?
    public var message: String
    public var requestID: String?

    public var description: String {
        "HTTP \(status)" + (code.map { " \($0)" } ?? "") + ": \(message)" + (requestID.map { " (request \($0))" } ?? "")
    }

    public init(status: Int, code: String? = nil, type: String? = nil, message: String, requestID: String? = nil) {
        self.status = status
        self.code = code
        self.type = type
        self.message = message
        self.requestID = requestID
    }

    /// Decodes an error body; never fails (falls back to a short, content-free message).
    public static func decode(status: Int, body: [UInt8], requestID: String?) -> OpenAIAPIError {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            return OpenAIAPIError(status: status, message: "unreadable error body (\(body.count) bytes)", requestID: requestID)
        }
        func string(_ value: Any?) -> String? {
            switch value {
            case let s as String: s
            case let n as NSNumber: n.stringValue
            default: nil
            }
        }
        if let error = object["error"] as? [String: Any] {
            return OpenAIAPIError(
                status: status, code: string(error["code"]), type: string(error["type"]),
                message: string(error["message"]) ?? "error", requestID: requestID
            )
        }
        if let message = string(object["message"]) {
            return OpenAIAPIError(status: status, code: string(object["code"]), type: string(object["type"]), message: message, requestID: requestID)
        }
        if let detail = object["detail"] {
            return OpenAIAPIError(status: status, message: string(detail) ?? "\(detail)", requestID: requestID)
        }
        return OpenAIAPIError(status: status, message: "error", requestID: requestID)
    }

    /// True when retrying cannot help even though the status is 429.
    public var isQuota: Bool { code == "insufficient_quota" || type == "insufficient_quota" }

    /// The pipeline's view of this error.
    public var modelError: ModelError {
        switch status {
        case 401, 403: .unauthorized
        case 404: .notFound(code ?? "not_found")
        case 429: isQuota ? .quotaExceeded : .rateLimited(retryAfter: nil)
        case 400, 422: .badRequest(code ?? "bad_request")
        case 408: .timeout
        default: status >= 500 ? .server(status: status) : .badRequest("http_\(status)")
        }
    }
}

/// Errors of the OpenAI client.
public enum OpenAIClientError: Error, Sendable, Equatable, CustomStringConvertible {
    case api(OpenAIAPIError)
    case timeout
    case transport(String)
    case invalidResponse(String)
    case responseTooLarge(limit: Int)
    case notConfigured(String)

    public var description: String {
        switch self {
        case .api(let error): error.description
        case .timeout: "the request timed out"
        case .transport(let why): "connection problem: \(why)"
        case .invalidResponse(let why): "unexpected response: \(why)"
        case .responseTooLarge(let limit): "response larger than \(limit) bytes"
        case .notConfigured(let what): "not configured: \(what)"
        }
    }

    public var modelError: ModelError {
        switch self {
        case .api(let error): error.modelError
        case .timeout: .timeout
        case .transport(let why): .transport(why)
        case .invalidResponse(let why): .invalidResponse(why)
        case .responseTooLarge: .invalidResponse("too large")
        case .notConfigured: .notConfigured
        }
    }
}
