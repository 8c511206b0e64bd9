import Foundation

/// A failed call to api.weixin.qq.com. WeChat answers errors with HTTP 200 and
/// `{"errcode","errmsg"}` (docs/protocols.md A.1); the other cases are transport problems.
public enum WeChatAPIError: Error, Sendable, Equatable {
    /// A non-zero `errcode`. `requestID` is the ` rid: …` suffix of `errmsg`, for support lookups.
    case api(errcode: Int, requestID: String?)
    /// A non-2xx HTTP status (WeChat's gateways answer 5xx when overloaded).
    case http(status: Int)
    case timeout
    case transport(String)
    /// The body is not the JSON the endpoint documents.
    case invalidResponse(String)
    case responseTooLarge(limit: Int)

    /// Errcodes meaning the access token is invalid, not the latest, or expired (A.11).
    public static let tokenErrcodes: Set<Int> = [40001, 40014, 42001]

    public var errcode: Int? {
        if case .api(let code, _) = self { return code }
        return nil
    }

    /// Whether the token was rejected and one refresh-and-retry is due.
    public var isTokenRejected: Bool { errcode.map(Self.tokenErrcodes.contains) ?? false }

    /// Busy (`-1`), 5xx and transport failures: worth retrying with backoff.
    public var isTransient: Bool {
        switch self {
        case .api(let code, _): code == -1
        case .http(let status): status >= 500 || status == 429
        case .timeout, .transport: true
        case .invalidResponse, .responseTooLarge: false
        }
    }

    /// A short description for logs: codes and request ids, never URLs, tokens or bodies.
    public var logDescription: String {
        switch self {
        case .api(let code, let rid): "errcode \(code)" + (rid.map { " rid \($0)" } ?? "")
        case .http(let status): "http \(status)"
        case .timeout: "timeout"
        case .transport(let kind): "transport \(kind)"
        case .invalidResponse(let why): "invalid response: \(why)"
        case .responseTooLarge(let limit): "response over \(limit) bytes"
        }
    }

    /// Pulls `rid: xxxxxxxx-xxxxxxxx-xxxxxxxx` out of an `errmsg`.
    static func requestID(in errmsg: String?) -> String? {
        guard let errmsg, let range = errmsg.range(of: "rid: ") else { return nil }
        let rid = errmsg[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "-" }
        return rid.isEmpty ? nil : String(rid.prefix(64))
    }
}
