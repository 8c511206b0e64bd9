/// Where and how to reach WeChat's server APIs. The app secret is a secret: it is only ever put in
/// request bodies/queries to WeChat, never logged or printed.
public struct WeChatAPIConfiguration: Sendable {
    /// Which access-token endpoint to use (docs/protocols.md A.11).
    public enum TokenAPI: String, Sendable, CaseIterable {
        /// `POST /cgi-bin/stable_token`: repeated calls return the same token while it is valid.
        case stable
        /// `GET /cgi-bin/token`: every call issues a new token and invalidates the old one.
        case classic
    }

    public var appID: String
    public var appSecret: String
    public var baseURL: String
    public var tokenAPI: TokenAPI
    public var customerServicePath: String
    public var typingPath: String
    /// Deadline of each HTTP call.
    public var requestTimeout: Duration
    public var maxResponseBytes: Int
    /// Refresh the access token when less than this remains.
    public var tokenRefreshMargin: Duration

    public init(
        appID: String,
        appSecret: String,
        baseURL: String = "https://api.weixin.qq.com",
        tokenAPI: TokenAPI = .stable,
        customerServicePath: String = "/cgi-bin/message/custom/send",
        typingPath: String = "/cgi-bin/message/custom/typing",
        requestTimeout: Duration = .seconds(5),
        maxResponseBytes: Int = 1 << 20,
        tokenRefreshMargin: Duration = .seconds(300)
    ) {
        self.appID = appID
        self.appSecret = appSecret
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.tokenAPI = tokenAPI
        self.customerServicePath = customerServicePath
        self.typingPath = typingPath
        self.requestTimeout = requestTimeout
        self.maxResponseBytes = maxResponseBytes
        self.tokenRefreshMargin = tokenRefreshMargin
    }
}
