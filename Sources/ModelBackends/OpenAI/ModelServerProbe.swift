import ChatCore
import Foundation
import NIOHTTP1

/// What `ask` and `serve` tell the operator about the OpenAI-compatible server they talk to:
/// where it is (credentials and query stripped), which endpoint answers, and whether
/// `GET /v1/models` answered within a short deadline. llama.cpp's `llama-server`, Ollama, vLLM and
/// OpenAI all serve that list, so it is a cheap health check that needs no generation.
public struct ModelServerStatus: Sendable, Equatable {
    public enum Health: Sendable, Equatable {
        case healthy(models: [String])
        case unhealthy(String)
    }

    /// The base URL without user, password or query (never a secret).
    public var server: String
    /// `/v1/completions` or `/v1/chat/completions`.
    public var endpoint: String
    public var model: String
    public var health: Health
    public var milliseconds: Int

    public var isHealthy: Bool {
        if case .healthy = health { return true }
        return false
    }

    /// One line for a terminal. Model names come from the server: shown shortened, never more.
    public var summary: String {
        var line = "model server: \(server) · \(endpoint) · model \(model) · "
        switch health {
        case .healthy(let models):
            line += "healthy (GET /v1/models in \(milliseconds) ms"
            if !models.isEmpty {
                let shown = models.prefix(3).map { $0.count > 60 ? String($0.prefix(57)) + "…" : $0 }
                line += "; serves \(shown.joined(separator: ", "))\(models.count > 3 ? " …" : "")"
            }
            line += ")"
        case .unhealthy(let why):
            line += "NOT healthy (\(why)); until it answers, replies come from the retrieval model"
        }
        return line
    }

    /// The base URL with any user, password and query removed.
    public static func redacted(_ baseURL: String) -> String {
        guard var components = URLComponents(string: baseURL), components.host != nil else { return "(invalid URL)" }
        components.user = nil
        components.password = nil
        components.query = nil
        components.fragment = nil
        return components.string ?? "(invalid URL)"
    }
}

extension OpenAIClient {
    /// `GET /v1/models` once (no retries) within `timeout`.
    public func probe(timeout: Duration = .seconds(2)) async -> ModelServerStatus {
        struct ModelList: Decodable {
            struct Entry: Decodable { var id: String }
            var data: [Entry]
        }
        let started = ContinuousClock.now
        var status = ModelServerStatus(
            server: ModelServerStatus.redacted(configuration.baseURL),
            endpoint: configuration.chat ? "/v1/chat/completions" : "/v1/completions",
            model: configuration.model, health: .unhealthy("not checked"), milliseconds: 0
        )
        do {
            let response = try await send(.GET, "/models", deadline: started + timeout, retry: false)
            let list = try decode(ModelList.self, from: response)
            status.health = .healthy(models: list.data.map(\.id))
        } catch {
            status.health = .unhealthy(Self.reason(error))
        }
        status.milliseconds = Int((ContinuousClock.now - started).milliseconds)
        return status
    }

    static func reason(_ error: any Error) -> String {
        guard let error = error as? OpenAIClientError else { return "\(type(of: error))" }
        return switch error {
        case .timeout: "no answer to GET /v1/models within the deadline"
        case .transport: "cannot connect"
        case .api(let api): "GET /v1/models answered HTTP \(api.status)\(api.status == 401 ? ": check the API key" : "")"
        case .invalidResponse: "GET /v1/models did not answer a model list"
        default: "\(error)"
        }
    }
}
