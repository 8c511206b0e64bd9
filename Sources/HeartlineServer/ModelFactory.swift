import Foundation
import AsyncHTTPClient
import ChatCore
import Logging
import ModelBackends
import Synchronization

/// Builds the model chain from settings: configured OpenAI-compatible model (if any) → retrieval
/// model over the corpus → fixed calm reply.
public enum ModelFactory {
    public static func retrieval(settings: HeartlineSettings) throws -> RetrievalModel {
        let configuration = RetrievalModel.Configuration(threshold: settings.retrieval.threshold)
        guard let path = settings.retrieval.corpusPath else {
            return try starter(configuration)
        }
        let pairs = try CorpusLoader.load(path: path, format: settings.pipeline.promptFormat)
        return RetrievalModel(pairs: pairs, name: "retrieval:custom", configuration: configuration)
    }

    /// The model over the built-in starter corpus is immutable, so it is built once per process and
    /// threshold and shared (one-shot commands, servers and tests that build many applications).
    private static let starters = Mutex<[Float: RetrievalModel]>([:])

    private static func starter(_ configuration: RetrievalModel.Configuration) throws -> RetrievalModel {
        try starters.withLock { cache in
            if let model = cache[configuration.threshold] { return model }
            let model = RetrievalModel(pairs: try CorpusLoader.starter(), name: "retrieval:starter", configuration: configuration)
            cache[configuration.threshold] = model
            return model
        }
    }

    public static func openAIConfiguration(settings: HeartlineSettings) -> OpenAIConfiguration {
        OpenAIConfiguration(
            baseURL: settings.model.baseURL,
            apiKey: settings.model.apiKey,
            organization: settings.model.organization,
            model: settings.model.name,
            chat: settings.model.chat,
            systemPrompt: settings.model.systemPrompt,
            maxTokens: settings.model.maxTokens,
            temperature: settings.model.temperature,
            maxRetries: settings.model.maxRetries
        )
    }

    public static func chain(
        settings: HeartlineSettings, httpClient: HTTPClient, logger: Logger,
        onEvent: @escaping @Sendable (ModelEvent) -> Void = { _ in }
    ) throws -> FallbackChain {
        let retrieval = try retrieval(settings: settings)
        var primary: (any CompletionModel)?
        if !settings.model.name.isEmpty {
            let client = OpenAIClient(httpClient: httpClient, configuration: openAIConfiguration(settings: settings), logger: logger)
            primary = OpenAICompletionModel(client: client, format: settings.pipeline.promptFormat)
        }
        return FallbackChain(
            primary: primary,
            secondary: retrieval,
            breaker: CircuitBreaker(threshold: settings.model.breakerThreshold, coolDown: settings.model.breakerCoolDown),
            logger: logger,
            onEvent: onEvent
        )
    }
}
