import AsyncHTTPClient
import ChatCore
import Foundation
import NIOHTTP1

/// What the terminal and the script runner need from a simulator: the engine in process, or a
/// simulator server (`heartline serve` in local mode, `heartline simulate --web`) over HTTP.
public protocol SimulatorDriving: Sendable {
    func info() async throws -> SimulatorInfo
    func send(_ request: SendRequest) async throws -> Exchange
    func redeliver(platform: SimPlatform, user: String) async throws -> Exchange
    func reorder(platform: SimPlatform, user: String, first: String, second: String) async throws -> Exchange
    func reset(platform: SimPlatform, user: String) async throws -> Exchange
    func inject(_ fault: FaultRequest) async throws -> String
}

extension SimulatorEngine: SimulatorDriving {
    public func reorder(platform: SimPlatform, user: String, first: String, second: String) async throws -> Exchange {
        await outOfOrder(platform: platform, user: user, first: first, second: second)
    }
}

/// The simulator's JSON API over HTTP, every call with a deadline.
public struct SimulatorClient: SimulatorDriving {
    public let base: String
    public let deadline: Duration
    private let poster: HTTPPoster

    /// `base`: the simulator's address (`http://127.0.0.1:PORT`, with or without `/simulator/`).
    public init(base: String, deadline: Duration = .seconds(120), httpClient: HTTPClient = SimulatorHTTPClient.shared) {
        var trimmed = base
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        if trimmed.hasSuffix("/simulator") { trimmed.removeLast("/simulator".count) }
        self.base = trimmed
        self.deadline = deadline
        self.poster = HTTPPoster(client: httpClient)
    }

    public func info() async throws -> SimulatorInfo {
        try await call(.GET, "info", body: Optional<SendRequest>.none, deadline: .seconds(5))
    }

    public func send(_ request: SendRequest) async throws -> Exchange { try await call(.POST, "send", body: request) }

    public func redeliver(platform: SimPlatform, user: String) async throws -> Exchange {
        try await call(.POST, "redeliver", body: SimulatorServer.UserRef(platform: platform, user: user))
    }

    public func reorder(platform: SimPlatform, user: String, first: String, second: String) async throws -> Exchange {
        try await call(.POST, "reorder", body: SimulatorServer.ReorderRequest(platform: platform, user: user, first: first, second: second))
    }

    public func reset(platform: SimPlatform, user: String) async throws -> Exchange {
        try await call(.POST, "reset", body: SimulatorServer.UserRef(platform: platform, user: user))
    }

    /// Messages in the user's chat from index `after` on (a counsellor's, in a handoff).
    public func messages(platform: SimPlatform, user: String, after: Int) async throws -> UnaskedMessages {
        let query = "messages?platform=\(platform.rawValue)&user=\(user.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? user)&after=\(after)"
        return try await call(.GET, query, body: Optional<SendRequest>.none, deadline: .seconds(5))
    }

    public func inject(_ fault: FaultRequest) async throws -> String {
        let answer: [String: String] = try await call(.POST, "fault", body: fault)
        return answer["injected"] ?? ""
    }

    private func call<B: Encodable, T: Decodable>(_ method: HTTPMethod, _ path: String, body: B?, deadline: Duration? = nil) async throws -> T {
        let bytes = try body.map { Array(try JSONEncoder().encode($0)) }
        let answer: HTTPPoster.Answer
        do {
            answer = try await poster.send(method, base + "/simulator/api/" + path, headers: [("Content-Type", "application/json")], body: bytes, deadline: deadline ?? self.deadline)
        } catch {
            switch error {
            case .timeout(let waited): throw SimulatorError.timeout("the simulator at \(base) did not answer within \(waited.milliseconds / 1000) s")
            case .unreachable(let why): throw SimulatorError.unreachable("cannot reach the simulator at \(base): \(why)")
            }
        }
        guard answer.status == 200 else {
            let message = JSONText.object(answer.body)?["error"] as? String
            if answer.status == 404 { throw SimulatorError.unreachable("\(base) is not a Heartline simulator (HTTP 404); use the simulator URL that `heartline serve` prints") }
            throw SimulatorError.badRequest(message ?? "the simulator answered HTTP \(answer.status)")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(answer.body))
        } catch {
            throw SimulatorError.unreachable("\(base) answered something that is not the simulator's JSON")
        }
    }
}
