import Foundation
import NIOHTTP1

/// A file object (docs/protocols.md C.6). Everything but `id` is optional: compatible servers differ.
public struct OpenAIFile: Decodable, Sendable, Equatable {
    public var id: String
    public var bytes: Int?
    public var filename: String?
    public var purpose: String?
    public var status: String?
    public var created_at: Int?
}

extension OpenAIClient {
    /// OpenAI's per-file limit (C.6).
    public static let maxUploadBytes = 512 * 1_000_000

    /// `POST /v1/files` as `multipart/form-data` with `purpose` and `file` parts (C.6). The file
    /// is read into memory (≤ 512 MB); the deadline grows with its size.
    public func uploadFile(path: String, purpose: String = "fine-tune", filename: String? = nil) async throws(OpenAIClientError) -> OpenAIFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .notConfigured("cannot read \(path)")
        }
        guard data.count <= Self.maxUploadBytes else {
            throw .notConfigured("\(path) is \(data.count) bytes; OpenAI accepts at most \(Self.maxUploadBytes) (sample it with `heartline dataset estimate --max-bytes`)")
        }
        let name = filename ?? (path as NSString).lastPathComponent
        let form = MultipartForm(fields: [("purpose", purpose)], file: (field: "file", filename: name, bytes: [UInt8](data)))
        let deadline = ContinuousClock.now + configuration.requestTimeout + .seconds(max(1, data.count / 1_000_000))
        let response = try await send(.POST, "/files", body: form.body, contentType: form.contentType, deadline: deadline)
        return try decode(OpenAIFile.self, from: response)
    }

    /// `GET /v1/files/{id}`.
    public func file(id: String) async throws(OpenAIClientError) -> OpenAIFile {
        let response = try await send(.GET, "/files/" + Self.pathComponent(id), deadline: ContinuousClock.now + configuration.requestTimeout)
        return try decode(OpenAIFile.self, from: response)
    }

    /// Ids go into paths; anything but letters, digits, `-`, `_`, `.`, `:` is percent-encoded.
    static func pathComponent(_ id: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-_.:")
        return id.addingPercentEncoding(withAllowedCharacters: allowed) ?? id
    }
}

/// A `multipart/form-data` body (RFC 7578) with text fields and one file.
public struct MultipartForm: Sendable {
    public let boundary: String
    public let body: [UInt8]

    public var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    public init(fields: [(String, String)], file: (field: String, filename: String, bytes: [UInt8]), boundary: String = "heartline-" + UUID().uuidString) {
        self.boundary = boundary
        var out: [UInt8] = []
        out.reserveCapacity(file.bytes.count + 512)
        func line(_ text: String) { out += Array(text.utf8) + [0x0D, 0x0A] }
        for (name, value) in fields {
            line("--\(boundary)")
            line("Content-Disposition: form-data; name=\"\(Self.quoted(name))\"")
            line("")
            line(value)
        }
        line("--\(boundary)")
        line("Content-Disposition: form-data; name=\"\(Self.quoted(file.field))\"; filename=\"\(Self.quoted(file.filename))\"")
        line("Content-Type: application/octet-stream")
        line("")
        out += file.bytes
        out += [0x0D, 0x0A]
        line("--\(boundary)--")
        body = out
    }

    /// Quotes, backslashes and line breaks cannot appear inside a quoted header parameter.
    static func quoted(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0 != "\"" && $0 != "\\" && $0 != "\r" && $0 != "\n" }.map(Character.init))
    }
}
