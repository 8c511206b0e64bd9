import Foundation
import AsyncHTTPClient
import ChatCore
import Logging
import ModelBackends
import Safety
import Synchronization

/// Builds the model chain from settings: configured OpenAI-compatible model (if any) → retrieval
/// model over the corpus → fixed calm reply.
public enum ModelFactory {
    /// The retrieval model over `retrieval.corpus` (intent lines, prompt/completion or chat JSONL;
    /// pairs grouped into pseudo-intents) or the starter corpus. Every answer and follow-up passes
    /// the output check once here, at load, so the replies it can give are known to be clean;
    /// failing ones are dropped (counted in the log, never printed).
    public static func retrieval(settings: HeartlineSettings) throws -> RetrievalModel {
        var configuration = RetrievalModel.Configuration()
        configuration.threshold = settings.retrieval.threshold
        guard let path = settings.retrieval.corpusPath else {
            return try starter(configuration)
        }
        // The operator's corpus gets the same out-of-scope guard as the starter corpus.
        let intents = try CorpusLoader.loadIntents(path: path, format: settings.pipeline.promptFormat) + CorpusLoader.outOfScope()
        return RetrievalModel(intents: try checked(intents), name: "retrieval:custom", configuration: configuration)
    }

    /// The intents with every answer and follow-up the output check would replace removed.
    static func checked(_ intents: [Intent]) throws -> [Intent] {
        let checker = try OutputChecker.bundled()
        var verdicts: [String: Bool] = [:]  // large corpora repeat answers: check each text once
        func fails(_ text: String) -> Bool {
            if let known = verdicts[text] { return known }
            let verdict = !checker.violations(in: text).isEmpty
            verdicts[text] = verdict
            return verdict
        }
        var dropped = 0
        let kept: [Intent] = intents.compactMap { intent in
            var intent = intent
            let before = intent.answers.count
            intent.answers.removeAll { fails($0.text) }
            dropped += before - intent.answers.count
            if let followUp = intent.followUp, fails(followUp) {
                intent.followUp = nil
                dropped += 1
            }
            return intent.answers.isEmpty && !intent.outOfScope ? nil : intent
        }
        if dropped > 0 {
            Logger(label: "heartline.retrieval").warning("corpus replies dropped by the output check", metadata: ["corpus.dropped": "\(dropped)"])
        }
        guard kept.contains(where: { !$0.outOfScope }) else { throw CorpusError.empty }
        return kept
    }

    /// The model over the built-in starter corpus is immutable, so it is built once per process and
    /// threshold and shared (one-shot commands, servers and tests that build many applications).
    private static let starters = Mutex<[Float: RetrievalModel]>([:])

    private static func starter(_ configuration: RetrievalModel.Configuration) throws -> RetrievalModel {
        try starters.withLock { cache in
            if let model = cache[configuration.threshold] { return model }
            let model = RetrievalModel(intents: try checked(try CorpusLoader.starter()), name: "retrieval:starter", configuration: configuration)
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
