/// The result of `jscode2session` (docs/protocols.md A.14). The `session_key` WeChat also returns is
/// checked for presence and dropped here: Heartline decrypts no user data, so it never keeps it.
public struct MiniProgramLogin: Sendable, Equatable {
    public var openID: String
    public var unionID: String?

    public init(openID: String, unionID: String? = nil) {
        self.openID = openID
        self.unionID = unionID
    }
}

/// Exchanges a `wx.login` code for the user's openid.
public protocol MiniProgramLoginProvider: Sendable {
    func login(code: String) async throws(WeChatAPIError) -> MiniProgramLogin
}

/// `GET /sns/jscode2session?appid&secret&js_code&grant_type=authorization_code`.
public struct MiniProgramLoginClient: MiniProgramLoginProvider {
    let http: WeChatHTTP

    public init(http: WeChatHTTP) {
        self.http = http
    }

    struct Response: Decodable {
        var openid: String?
        var session_key: String?
        var unionid: String?
    }

    public func login(code: String) async throws(WeChatAPIError) -> MiniProgramLogin {
        let c = http.configuration
        let body = try await http.get("/sns/jscode2session", query: [
            ("appid", c.appID), ("secret", c.appSecret), ("js_code", code), ("grant_type", "authorization_code"),
        ])
        let response = try WeChatHTTP.decode(Response.self, from: body)
        guard let openID = response.openid, !openID.isEmpty, openID.utf8.count <= 128,
              response.session_key?.isEmpty == false
        else {
            throw .invalidResponse("openid or session_key missing")
        }
        return MiniProgramLogin(openID: openID, unionID: response.unionid)
    }
}
