import AsyncHTTPClient
import ChatCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// The HTTP transport to WeChat's server APIs over the process's shared `HTTPClient`: a deadline
/// and a response-size cap on every call, errcode envelopes turned into `WeChatAPIError`. URLs
/// carry the access token or the app secret in their query, so they are never logged — not here,
/// and not by AsyncHTTPClient, which gets a logger that drops everything.
public struct WeChatHTTP: Sendable {
    public let configuration: WeChatAPIConfiguration
    let client: HTTPClient
    private static let silent = Logger(label: "heartline.wechat.http", factory: { _ in SwiftLogNoOpLogHandler() })

    public init(client: HTTPClient, configuration: WeChatAPIConfiguration) {
        self.client = client
        self.configuration = configuration
    }

    public func get(_ path: String, query: [(String, String)]) async throws(WeChatAPIError) -> [UInt8] {
        try await execute(.GET, path, query: query, body: nil)
    }

    public func post(_ path: String, query: [(String, String)] = [], json: [UInt8]) async throws(WeChatAPIError) -> [UInt8] {
        try await execute(.POST, path, query: query, body: json)
    }

    private func execute(_ method: HTTPMethod, _ path: String, query: [(String, String)], body: [UInt8]?) async throws(WeChatAPIError) -> [UInt8] {
        var request = HTTPClientRequest(url: configuration.baseURL + path + Self.encode(query))
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "heartline")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let timeout = TimeAmount.nanoseconds(Int64(configuration.requestTimeout.seconds * 1e9))
        let bytes: [UInt8]
        do {
            let response = try await client.execute(request, timeout: timeout, logger: Self.silent)
            guard (200..<300).contains(response.status.code) else {
                throw WeChatAPIError.http(status: Int(response.status.code))
            }
            do {
                bytes = Array(try await response.body.collect(upTo: configuration.maxResponseBytes).readableBytesView)
            } catch is NIOTooManyBytesError {
                throw WeChatAPIError.responseTooLarge(limit: configuration.maxResponseBytes)
            }
        } catch let error as WeChatAPIError {
            throw error
        } catch let error as HTTPClientError {
            if error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout || error == .cancelled {
                throw .timeout
            }
            throw .transport(Self.kind(of: error))
        } catch is CancellationError {
            throw .timeout
        } catch {
            throw .transport("\(type(of: error))")
        }
        try Self.checkEnvelope(bytes)
        return bytes
    }

    /// Throws for a non-zero `errcode`; a body without one (token, jscode2session) is a success.
    static func checkEnvelope(_ bytes: [UInt8]) throws(WeChatAPIError) {
        struct Envelope: Decodable {
            var errcode: Int?
            var errmsg: String?
        }
        let envelope: Envelope
        do {
            envelope = try JSONDecoder().decode(Envelope.self, from: Data(bytes))
        } catch {
            throw .invalidResponse("not a JSON object (\(bytes.count) bytes)")
        }
        if let code = envelope.errcode, code != 0 {
            throw .api(errcode: code, requestID: WeChatAPIError.requestID(in: envelope.errmsg))
        }
    }

    /// Decodes an endpoint's JSON payload.
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws(WeChatAPIError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch {
            throw .invalidResponse("unexpected JSON shape (\(bytes.count) bytes)")
        }
    }

    /// JSON with real UTF-8 (WeChat shows `\u` escapes of Chinese text correctly, but they triple
    /// the size that counts against the length limit).
    static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return (try? Array(encoder.encode(value))) ?? Array("{}".utf8)
    }

    static func encode(_ query: [(String, String)]) -> String {
        guard !query.isEmpty else { return "" }
        return "?" + query.map { percentEncode($0.0) + "=" + percentEncode($0.1) }.joined(separator: "&")
    }

    static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            if WeChatCipher.isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "~") {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }

    /// The error's kind without its description (which may include the URL).
    private static func kind(of error: HTTPClientError) -> String {
        switch error {
        case .remoteConnectionClosed: "connection closed"
        case .connectTimeout: "connect timeout"
        case .tlsHandshakeTimeout: "TLS handshake timeout"
        default: "HTTP client error"
        }
    }
}
