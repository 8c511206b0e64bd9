/// `msg_sec_check` v2's decision (docs/protocols.md A.15).
public enum ContentVerdict: Sendable, Equatable {
    case pass
    /// Needs care: answer, but gently and with support resources.
    case review(label: Int)
    case risky(label: Int)

    var severity: Int {
        switch self {
        case .pass: 0
        case .review: 1
        case .risky: 2
        }
    }
}

/// Checks text with WeChat's content security API.
public protocol ContentChecking: Sendable {
    func check(_ content: String, openID: String) async throws(WeChatAPIError) -> ContentVerdict
}

/// `POST /wxa/msg_sec_check` with `version: 2`. Text longer than 2500 characters is checked in
/// pieces and the strictest verdict wins. An unknown `suggest` is an error, so callers fail safe.
public struct ContentSecurityClient: ContentChecking {
    public static let maxCharacters = 2500
    let api: WeChatAPIClient
    let scene: Int

    /// Scene 2 ("comment") fits user questions and answers.
    public init(api: WeChatAPIClient, scene: Int = 2) {
        self.api = api
        self.scene = scene
    }

    struct Request: Encodable {
        var content: String
        var version = 2
        var scene: Int
        var openid: String
    }

    struct Response: Decodable {
        struct Result: Decodable {
            var suggest: String
            var label: Int?
        }
        var result: Result?
    }

    public func check(_ content: String, openID: String) async throws(WeChatAPIError) -> ContentVerdict {
        var verdict = ContentVerdict.pass
        var rest = Substring(content)
        repeat {
            let piece = rest.prefix(Self.maxCharacters)
            rest = rest.dropFirst(piece.count)
            let next = try await checkPiece(String(piece), openID: openID)
            if next.severity > verdict.severity { verdict = next }
        } while !rest.isEmpty && verdict.severity < 2
        return verdict
    }

    private func checkPiece(_ content: String, openID: String) async throws(WeChatAPIError) -> ContentVerdict {
        let body = try await api.post("/wxa/msg_sec_check", json: WeChatHTTP.encode(Request(content: content, scene: scene, openid: openID)))
        guard let result = try WeChatHTTP.decode(Response.self, from: body).result else {
            throw .invalidResponse("result missing")
        }
        switch result.suggest {
        case "pass": return .pass
        case "review": return .review(label: result.label ?? 0)
        case "risky": return .risky(label: result.label ?? 0)
        default: throw .invalidResponse("unknown suggest")
        }
    }
}
