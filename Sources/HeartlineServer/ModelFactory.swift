import Foundation
import AsyncHTTPClient
import ChatCore
import Logging
import ModelBackends

/// Builds the model chain from settings: configured OpenAI-compatible model (if any) → retrieval
/// model over the corpus → fixed calm reply.
public enum ModelFactory {
    public static func retrieval(settings: HeartlineSettings) throws -> RetrievalModel {
        let pairs = try settings.retrieval.corpusPath.map { try CorpusLoader.load(path: $0, format: settings.pipeline.promptFormat) }
            ?? CorpusLoader.starter()
        let name = settings.retrieval.corpusPath == nil ? "retrieval:starter" : "retrieval:custom"
        return RetrievalModel(pairs: pairs, name: name, configuration: .init(threshold: settings.retrieval.threshold))
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
