import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import HeartlineServer
import ModelBackends

/// Where the fine-tuning service is: `model.baseUrl` and `model.apiKey` (or `OPENAI_API_KEY`)
/// from the same settings `serve` uses, with flags on top.
struct FineTuneOptions: ParsableArguments {
    @Option(name: .long, help: "JSON config file (keys as in docs/configuration.md).")
    var config: String?
    @Option(name: .customLong("base-url"), help: "OpenAI-compatible base URL (default model.baseUrl, else https://api.openai.com/v1).")
    var baseURL: String?
    @Option(name: .customLong("data-dir"), help: "Where the local fine-tuning state is kept (default data.dir, ./.heartline).")
    var dataDirectory: String?
    @Option(name: .customLong("timeout"), help: "Seconds per API call (default 120; uploads get more).")
    var timeout: Int = 120
    @Option(name: .customLong("max-retries"), help: "Retries per call for connection errors, 429 and 5xx (default 2).")
    var maxRetries: Int = 2

    struct Resolved {
        var openAI: OpenAIConfiguration
        var dataDirectory: String
    }

    func resolve() async throws -> Resolved {
        var overrides: [String: String] = [:]
        overrides["model.baseUrl"] = baseURL
        overrides["data.dir"] = dataDirectory
        let settings: HeartlineSettings
        do {
            let reader = try await SettingsLoader.reader(overrides: overrides, configFile: config)
            var loader = SettingsLoader(reader: reader)
            settings = try loader.load()
        } catch let error as SettingsError {
            throw Terminal.fail(error.description)
        }
        guard timeout > 0, maxRetries >= 0 else { throw ValidationError("--timeout must be positive and --max-retries not negative") }
        if settings.model.apiKey == nil, settings.model.baseURL.contains("api.openai.com") {
            throw Terminal.fail("no API key: set OPENAI_API_KEY (or HEARTLINE_MODEL_API_KEY, or model.apiKey in the config file)")
        }
        var configuration = ModelFactory.openAIConfiguration(settings: settings)
        configuration.requestTimeout = .seconds(timeout)
        configuration.maxRetries = maxRetries
        configuration.maxResponseBytes = 8 << 20
        return Resolved(openAI: configuration, dataDirectory: settings.dataDirectory)
    }

    /// Runs `body` with a client; AsyncHTTPClient's structured `withHTTPClient` shuts the HTTP
    /// client down afterwards, whatever happens.
    func withClient<T>(_ body: (OpenAIClient, Resolved) async throws -> T) async throws -> T {
        let resolved = try await resolve()
        return try await HTTPClient.withHTTPClient(configuration: .init(timeout: .init(connect: .seconds(10)))) { http in
            try await body(OpenAIClient(httpClient: http, configuration: resolved.openAI), resolved)
        }
    }
}

/// What to tell the user about a failed call; API messages are the server's own words.
func serviceMessage(_ error: any Error) -> String {
    switch error {
    case OpenAIClientError.api(let api): "the service answered \(api.description)"
    case let error as OpenAIClientError: error.description
    default: "\(error)"
    }
}
