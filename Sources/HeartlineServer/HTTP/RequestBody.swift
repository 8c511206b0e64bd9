import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Reading request bodies defensively: a size limit enforced while streaming, strict UTF-8, and
/// JSON decoding errors mapped to 4xx `APIError`s.
public enum RequestBody {
    /// Collects at most `limit` bytes; more is a 413.
    public static func collect(_ request: Request, limit: Int) async throws(APIError) -> [UInt8] {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            throw .bodyTooLarge(limit)
        }
        var bytes: [UInt8] = []
        do {
            for try await chunk in request.body {
                guard bytes.count + chunk.readableBytes <= limit else { throw APIError.bodyTooLarge(limit) }
                bytes.append(contentsOf: chunk.readableBytesView)
            }
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError(.badRequest, "unreadable_body", "The body could not be read.")
        }
        return bytes
    }

    /// Accepts `application/json` (any parameters) or no content type; anything else is a 415.
    public static func requireJSONContentType(_ request: Request) throws(APIError) {
        guard let value = request.headers[.contentType] else { return }
        let mediaType = value.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard mediaType == "application/json" || mediaType.hasSuffix("+json") else { throw .unsupportedMediaType }
    }

    /// Decodes a JSON object, distinguishing invalid UTF-8, malformed JSON and wrong shapes.
    public static func decodeJSON<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws(APIError) -> T {
        guard String(validating: bytes, as: UTF8.self) != nil else { throw .invalidUTF8 }
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let DecodingError.keyNotFound(key, _) {
            throw .invalidField(key.stringValue, "is required")
        } catch let DecodingError.typeMismatch(_, context) {
            throw .invalidField(context.codingPath.map(\.stringValue).joined(separator: "."), "has the wrong type")
        } catch let DecodingError.valueNotFound(_, context) {
            throw .invalidField(context.codingPath.map(\.stringValue).joined(separator: "."), "must not be null")
        } catch {
            throw .invalidJSON
        }
    }
}
