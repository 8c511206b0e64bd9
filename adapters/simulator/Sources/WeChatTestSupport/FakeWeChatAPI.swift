import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A fake api.weixin.qq.com on loopback, as strict as the real one (docs/protocols.md A.1, A.11–A.15):
/// the access token must be in the query and be current (41001/40001/42001 otherwise), bodies must
/// be the documented JSON, a token in a body is 47001, text longer than `maxContentBytes` is 45002,
/// and `jscode2session` codes are single-use. Calls can be scripted to fail (errcodes, HTTP
/// statuses, garbage, delays) and everything sent is recorded.
public final class FakeWeChatAPI: Sendable {
    public enum Endpoint: String, Sendable, Hashable, CaseIterable {
        case stableToken, classicToken, send, typing, login, secCheck
    }

    /// A scripted answer for the next call to an endpoint.
    public enum Script: Sendable, Equatable {
        case errcode(Int)
        case status(Int)
        case garbage
        /// Wait, then answer normally.
        case delay(Duration)
    }

    public struct Sent: Sendable, Equatable {
        public var touser: String
        public var content: String

        public init(touser: String, content: String) {
            self.touser = touser
            self.content = content
        }
    }

    struct State {
        var tokens: [String: Bool] = [:]  // token → valid
        var current: String?
        var issued = 0
        var scripts: [Endpoint: [Script]] = [:]
        var calls: [Endpoint: Int] = [:]
        var forcedRefreshes = 0
        var tokenRejections = 0
        var sent: [Sent] = []
        var typing: [String] = []
        var usedCodes: Set<String> = []
        var checked: [String] = []
        var stableKeepsRejectedToken = false
        var requests: [Recorded] = []
    }

    /// One request as received (path and body; access tokens and secrets in the query are not kept).
    public struct Recorded: Sendable, Equatable {
        public var path: String
        public var body: String
    }

    public let appID: String
    public let secret: String
    public let maxContentBytes: Int
    public let expiresIn: Int
    private let state = Mutex(State())

    public init(appID: String = "wx1234567890abcdef", secret: String = "fake-app-secret-0123456789abcdef", maxContentBytes: Int = 2048, expiresIn: Int = 7200) {
        self.appID = appID
        self.secret = secret
        self.maxContentBytes = maxContentBytes
        self.expiresIn = expiresIn
    }

    // MARK: Scripting and inspection

    public func script(_ endpoint: Endpoint, _ scripts: Script...) {
        state.withLock { $0.scripts[endpoint, default: []].append(contentsOf: scripts) }
    }

    /// Invalidates every issued token (as if WeChat rotated or revoked them).
    public func expireTokens() {
        state.withLock { s in
            for key in s.tokens.keys { s.tokens[key] = false }
        }
    }

    /// Makes `stable_token` without `force_refresh` keep returning a token it already rejects.
    public func keepReturningRejectedToken() {
        state.withLock { $0.stableKeepsRejectedToken = true }
    }

    public func calls(_ endpoint: Endpoint) -> Int { state.withLock { $0.calls[endpoint, default: 0] } }
    public var tokenFetches: Int { calls(.stableToken) + calls(.classicToken) }
    /// Distinct tokens issued (a fetch that gets the still-valid token back issues none).
    public var issuedTokens: Int { state.withLock { $0.issued } }
    public var forcedRefreshes: Int { state.withLock { $0.forcedRefreshes } }
    /// Calls refused because of a missing, unknown or expired access token.
    public var tokenRejections: Int { state.withLock { $0.tokenRejections } }
    public var sent: [Sent] { state.withLock { $0.sent } }
    public var typing: [String] { state.withLock { $0.typing } }
    public var checkedContents: [String] { state.withLock { $0.checked } }
    /// Every request with a JSON body (customer service, typing, content check), in order.
    public var requests: [Recorded] { state.withLock { $0.requests } }

    // MARK: Running

    /// Runs the fake on 127.0.0.1 (free port) while `body` runs, passing its base URL.
    public func run<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "fake-wechat")
        logger.logLevel = .critical
        let app = Application(
            router: router(),
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "fake-wechat"),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) },
            logger: logger
        )
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await app.runService(gracefulShutdownSignals: [])
                return nil
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else { throw CancellationError() }
            let result = try await body("http://127.0.0.1:\(port)")
            group.cancelAll()
            return result
        }
    }

    // MARK: Routes

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        addRoutes(to: router)
        return router
    }

    /// Adds the API routes under `prefix` (Heartline's `wechat.apiBaseUrl` then ends in the prefix).
    public func addRoutes(to router: Router<BasicRequestContext>, prefix: String = "") {
        router.post(RouterPath(prefix + "/cgi-bin/stable_token")) { request, _ in try await self.stableToken(request) }
        router.get(RouterPath(prefix + "/cgi-bin/token")) { request, _ in try await self.classicToken(request) }
        router.post(RouterPath(prefix + "/cgi-bin/message/custom/send")) { request, _ in try await self.send(request) }
        router.post(RouterPath(prefix + "/cgi-bin/message/custom/typing")) { request, _ in try await self.typingCall(request) }
        router.get(RouterPath(prefix + "/sns/jscode2session")) { request, _ in try await self.login(request) }
        router.post(RouterPath(prefix + "/wxa/msg_sec_check")) { request, _ in try await self.secCheck(request) }
    }

    /// Counts the call and applies the next script; returns a response when the script decides it.
    private func begin(_ endpoint: Endpoint) async throws -> Response? {
        let script = state.withLock { s -> Script? in
            s.calls[endpoint, default: 0] += 1
            guard var queue = s.scripts[endpoint], !queue.isEmpty else { return nil }
            let next = queue.removeFirst()
            s.scripts[endpoint] = queue
            return next
        }
        switch script {
        case nil: return nil
        case .errcode(let code)?: return Self.error(code)
        case .status(let status)?: return Response(status: .init(code: status), body: .init(byteBuffer: ByteBuffer(string: "<html>bad gateway</html>")))
        case .garbage?: return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "not json")))
        case .delay(let duration)?:
            try await Task.sleep(for: duration)
            return nil
        }
    }

    static func json(_ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        var headers = HTTPFields()
        headers[.contentType] = "application/json; encoding=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ code: Int) -> Response {
        json(["errcode": code, "errmsg": "fake error rid: 6718a3c1-2b1f0a9e-5d4c3b2a"])
    }

    private func body(_ request: Request) async throws -> [String: Any]? {
        let buffer = try await request.body.collect(upTo: 1 << 20)
        // The token request's body carries the AppSecret: never kept.
        if !request.uri.path.hasSuffix("_token") {
            let recorded = Recorded(path: request.uri.path, body: String(buffer: buffer))
            state.withLock { $0.requests.append(recorded) }
        }
        return (try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))) as? [String: Any]
    }

    /// The access-token check every authenticated endpoint performs, on the query only.
    private func checkToken(_ request: Request, body: [String: Any]?) -> Response? {
        if body?["access_token"] != nil { return Self.error(47001) }
        guard let token = request.uri.queryParameters.get("access_token") else {
            state.withLock { $0.tokenRejections += 1 }
            return Self.error(41001)
        }
        let valid = state.withLock { s -> Bool? in
            if s.tokens[token] != true { s.tokenRejections += 1 }
            return s.tokens[token]
        }
        switch valid {
        case true?: return nil
        case false?: return Self.error(42001)
        case nil: return Self.error(40001)
        }
    }

    private func issue(force: Bool) -> String {
        state.withLock { s in
            if force { s.forcedRefreshes += 1 }
            if !force, let current = s.current, s.tokens[current] == true || s.stableKeepsRejectedToken { return current }
            s.issued += 1
            let token = "FAKE_ACCESS_TOKEN_\(s.issued)_" + String(repeating: "x", count: 100)
            s.tokens[token] = true
            s.current = token
            return token
        }
    }

    private func stableToken(_ request: Request) async throws -> Response {
        if let scripted = try await begin(.stableToken) { return scripted }
        guard let body = try await body(request), body["grant_type"] as? String == "client_credential" else { return Self.error(40002) }
        guard body["appid"] as? String == appID else { return Self.error(40013) }
        guard body["secret"] as? String == secret else { return Self.error(40125) }
        let force = body["force_refresh"] as? Bool ?? false
        return Self.json(["access_token": issue(force: force), "expires_in": expiresIn])
    }

    private func classicToken(_ request: Request) async throws -> Response {
        if let scripted = try await begin(.classicToken) { return scripted }
        let query = request.uri.queryParameters
        guard query.get("grant_type") == "client_credential" else { return Self.error(40002) }
        guard query.get("appid") == appID else { return Self.error(40013) }
        guard query.get("secret") == secret else { return Self.error(40125) }
        return Self.json(["access_token": issue(force: true), "expires_in": expiresIn])
    }

    private func send(_ request: Request) async throws -> Response {
        let body = try await body(request)
        if let rejected = checkToken(request, body: body) { return rejected }
        if let scripted = try await begin(.send) { return scripted }
        guard let body, let touser = body["touser"] as? String, !touser.isEmpty else { return Self.error(44002) }
        guard body["msgtype"] as? String == "text", let text = body["text"] as? [String: Any], let content = text["content"] as? String else {
            return Self.error(47001)
        }
        guard content.utf8.count <= maxContentBytes else { return Self.error(45002) }
        state.withLock { $0.sent.append(Sent(touser: touser, content: content)) }
        return Self.json(["errcode": 0, "errmsg": "ok"])
    }

    private func typingCall(_ request: Request) async throws -> Response {
        let body = try await body(request)
        if let rejected = checkToken(request, body: body) { return rejected }
        if let scripted = try await begin(.typing) { return scripted }
        guard let touser = body?["touser"] as? String else { return Self.error(44002) }
        guard let command = body?["command"] as? String, ["Typing", "CancelTyping"].contains(command) else { return Self.error(45072) }
        state.withLock { $0.typing.append(touser) }
        return Self.json(["errcode": 0, "errmsg": "ok"])
    }

    private func login(_ request: Request) async throws -> Response {
        if let scripted = try await begin(.login) { return scripted }
        let query = request.uri.queryParameters
        guard query.get("appid") == appID, query.get("secret") == secret else { return Self.error(40013) }
        guard query.get("grant_type") == "authorization_code", let code = query.get("js_code"), !code.isEmpty else { return Self.error(40029) }
        if code.hasPrefix("invalid") { return Self.error(40029) }
        guard state.withLock({ $0.usedCodes.insert(code).inserted }) else { return Self.error(40163) }
        // The openid is derived from the code's suffix after the last `-`, so two codes can log the same user in.
        let user = code.split(separator: "-").last.map(String.init) ?? code
        return Self.json(["openid": "oFake_" + user, "session_key": "SESSIONKEY_" + user + "=="])
    }

    private func secCheck(_ request: Request) async throws -> Response {
        let body = try await body(request)
        if let rejected = checkToken(request, body: body) { return rejected }
        if let scripted = try await begin(.secCheck) { return scripted }
        guard let body, let content = body["content"] as? String else { return Self.error(44002) }
        guard body["version"] as? Int == 2, body["openid"] as? String != nil, let scene = body["scene"] as? Int else { return Self.error(47001) }
        guard (1...4).contains(scene) else { return Self.error(40129) }
        guard content.count <= 2500 else { return Self.error(47001) }
        state.withLock { $0.checked.append(content) }
        let suggest = content.contains("RISKY") ? "risky" : content.contains("REVIEW") ? "review" : "pass"
        let label = suggest == "pass" ? 100 : 20_001
        return Self.json([
            "errcode": 0, "errmsg": "ok", "trace_id": "fake-trace",
            "result": ["suggest": suggest, "label": label],
            "detail": [["strategy": "content_model", "errcode": 0, "suggest": suggest, "label": label, "prob": 90]],
        ])
    }
}
