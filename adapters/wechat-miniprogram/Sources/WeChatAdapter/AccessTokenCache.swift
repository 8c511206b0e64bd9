import Foundation

/// Where fresh access tokens come from (the live one calls WeChat; tests may script one).
public protocol AccessTokenSource: Sendable {
    /// `forceRefresh` asks `stable_token` to rotate; used only after WeChat rejected the very
    /// token it keeps returning.
    func fetchToken(forceRefresh: Bool) async throws(WeChatAPIError) -> (token: String, expiresIn: Int)
}

/// The process's one access-token holder (docs/protocols.md A.11). Tokens are refreshed before they
/// expire (`refreshMargin`, at most half their lifetime); at most one refresh is ever in flight —
/// callers that arrive meanwhile use the still-valid token or wait for the refresh; a token that
/// WeChat rejected (40001/40014/42001) is dropped once, however many callers report it.
/// No unstructured task: the caller that finds the token stale performs the refresh itself.
public actor AccessTokenCache {
    private struct Current {
        var token: String
        var refreshAt: ContinuousClock.Instant
        var expiresAt: ContinuousClock.Instant
    }

    private let source: any AccessTokenSource
    private let refreshMargin: Duration
    private let now: @Sendable () -> ContinuousClock.Instant
    private var current: Current?
    private var rejected: String?
    /// When `force_refresh` was used in the last 24 hours (WeChat allows 20 a day, 30 s apart).
    private var forcedRefreshes: [ContinuousClock.Instant] = []
    /// `force_refresh` calls allowed in any 24 hours.
    public static let forcedRefreshesPerDay = 20
    private var refreshing = false
    private var waiters: [CheckedContinuation<Result<String, WeChatAPIError>, Never>] = []
    /// How many refreshes ran (for tests and metrics).
    public private(set) var refreshCount = 0

    public init(
        source: any AccessTokenSource,
        refreshMargin: Duration = .seconds(300),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.source = source
        self.refreshMargin = refreshMargin
        self.now = now
    }

    /// A valid token, refreshing first when it is missing or close to expiry.
    public func token() async throws(WeChatAPIError) -> String {
        let instant = now()
        if let current, instant < current.refreshAt { return current.token }
        if refreshing {
            if let current, instant < current.expiresAt { return current.token }
            return try await withCheckedContinuation { waiters.append($0) }.get()
        }
        refreshing = true
        let result = await refresh()
        refreshing = false
        let waiting = waiters
        waiters.removeAll()
        for waiter in waiting { waiter.resume(returning: result) }
        return try result.get()
    }

    /// Reports that WeChat rejected `token`. Only the first report of a token drops it.
    public func invalidate(_ token: String) {
        guard current?.token == token else { return }
        current = nil
        rejected = token
    }

    private func refresh() async -> Result<String, WeChatAPIError> {
        refreshCount += 1
        do {
            var fetched = try await source.fetchToken(forceRefresh: false)
            if fetched.token == rejected, mayForce() {
                forcedRefreshes.append(now())
                fetched = try await source.fetchToken(forceRefresh: true)
            }
            let lifetime = Duration.seconds(max(fetched.expiresIn, 1))
            let margin = min(refreshMargin, lifetime / 2)
            let fetchedAt = now()
            current = Current(token: fetched.token, refreshAt: fetchedAt + lifetime - margin, expiresAt: fetchedAt + lifetime)
            rejected = nil
            return .success(fetched.token)
        } catch {
            return .failure(error)
        }
    }

    /// `force_refresh` is limited to 20 a day, 30 s apart: past either limit the cache keeps the
    /// token `stable_token` returns (WeChat would refuse to rotate it anyway) and tries again later.
    private func mayForce() -> Bool {
        let instant = now()
        forcedRefreshes.removeAll { instant - $0 >= .seconds(24 * 3600) }
        guard forcedRefreshes.count < Self.forcedRefreshesPerDay else { return false }
        guard let last = forcedRefreshes.last else { return true }
        return instant - last >= .seconds(30)
    }

    /// How many `force_refresh` calls the last 24 hours used (for tests and diagnostics).
    public var forcedRefreshCount: Int { forcedRefreshes.count }
}

/// Fetches tokens from `stable_token` (default) or the classic `cgi-bin/token`.
public struct WeChatTokenFetcher: AccessTokenSource {
    let http: WeChatHTTP

    public init(http: WeChatHTTP) {
        self.http = http
    }

    struct StableRequest: Encodable {
        var grant_type = "client_credential"
        var appid: String
        var secret: String
        var force_refresh: Bool
    }

    struct TokenResponse: Decodable {
        var access_token: String
        var expires_in: Int
    }

    public func fetchToken(forceRefresh: Bool) async throws(WeChatAPIError) -> (token: String, expiresIn: Int) {
        let c = http.configuration
        let body: [UInt8]
        switch c.tokenAPI {
        case .stable:
            let request = StableRequest(appid: c.appID, secret: c.appSecret, force_refresh: forceRefresh)
            body = try await http.post("/cgi-bin/stable_token", json: WeChatHTTP.encode(request))
        case .classic:
            body = try await http.get("/cgi-bin/token", query: [("grant_type", "client_credential"), ("appid", c.appID), ("secret", c.appSecret)])
        }
        let response = try WeChatHTTP.decode(TokenResponse.self, from: body)
        guard !response.access_token.isEmpty, response.access_token.utf8.count <= 2048 else {
            throw .invalidResponse("access_token is empty or too long")
        }
        return (response.access_token, response.expires_in)
    }
}
