import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A client-facing error: `{"error":{"code","message"}}` with an HTTP status. Messages are fixed
/// texts, never an internal error's description.
public struct APIError: Error, Sendable, Equatable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var retryAfterSeconds: Int?

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, retryAfterSeconds: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }

    public static let invalidJSON = APIError(.badRequest, "invalid_json", "The body is not valid JSON.")
    public static let invalidUTF8 = APIError(.badRequest, "invalid_utf8", "The body is not valid UTF-8.")
    public static let unsupportedMediaType = APIError(.unsupportedMediaType, "unsupported_media_type", "Send the body as application/json.")
    public static let unauthorized = APIError(.unauthorized, "unauthorized", "A valid API key is required.")
    public static let busy = APIError(.serviceUnavailable, "busy", "The service is busy. Retry shortly.", retryAfterSeconds: 2)
    public static let storeUnavailable = APIError(.serviceUnavailable, "store_unavailable", "Messages cannot be stored right now. Retry shortly.", retryAfterSeconds: 5)
    public static let replyTimeout = APIError(.gatewayTimeout, "reply_timeout", "No reply yet. Retry with the same id to get it.", retryAfterSeconds: 2)

    public static func bodyTooLarge(_ limit: Int) -> APIError {
        APIError(.contentTooLarge, "body_too_large", "The body is larger than \(limit) bytes.")
    }

    public static func invalidField(_ name: String, _ why: String) -> APIError {
        APIError(.badRequest, "invalid_field", "Field `\(name)` \(why).")
    }

    public var response: Response {
        struct Body: Encodable {
            struct Inner: Encodable {
                var code: String
                var message: String
            }
            var error: Inner
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if let retryAfterSeconds { headers[.retryAfter] = String(retryAfterSeconds) }
        let data = JSONCoding.encode(Body(error: .init(code: code, message: message)))
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// JSON helpers for the HTTP layer: real UTF-8 out, strict UTF-8 in.
public enum JSONCoding {
    public static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return (try? [UInt8](encoder.encode(value))) ?? Array("{}".utf8)
    }

    public static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: encode(value))))
    }
}
