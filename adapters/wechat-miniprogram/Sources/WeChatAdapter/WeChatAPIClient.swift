/// Calls to WeChat APIs that take the access token: it goes in the query (never the body — that
/// answers 47001), and a rejected token (40001/40014/42001) is refreshed once and the call retried
/// once (docs/protocols.md A.11).
public struct WeChatAPIClient: Sendable {
    public let http: WeChatHTTP
    public let tokens: AccessTokenCache

    public init(http: WeChatHTTP, tokens: AccessTokenCache) {
        self.http = http
        self.tokens = tokens
    }

    public func post(_ path: String, json: [UInt8]) async throws(WeChatAPIError) -> [UInt8] {
        let token = try await tokens.token()
        do throws(WeChatAPIError) {
            return try await http.post(path, query: [("access_token", token)], json: json)
        } catch where error.isTokenRejected {
            await tokens.invalidate(token)
            let fresh = try await tokens.token()
            return try await http.post(path, query: [("access_token", fresh)], json: json)
        }
    }
}
