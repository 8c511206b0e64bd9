import AsyncHTTPClient
import ChatCore
import Foundation
import Logging
import ModelBackends
import Safety
import ServiceLifecycle

/// Builds the safety layer from settings: the detector and output checks over the built-in
/// lexicon, the operator's blocklist, rate limits, and the operator alert sender when configured;
/// with `safety.moderation.enabled`, the remote moderation second opinion around it.
enum SafetyFactory {
    static func layer(
        settings: HeartlineSettings, httpClient: HTTPClient, logger: Logger, metrics: HeartlineMetrics? = nil
    ) throws -> (any SafetyFilter, [any Service]) {
        let safety = settings.safety
        var alerts: AlertDispatcher?
        var services: [any Service] = []
        if safety.alert.isConfigured {
            let dispatcher = AlertDispatcher(
                sink: HTTPAlertSink(httpClient: httpClient, settings: safety.alert),
                minInterval: safety.alert.minInterval.seconds,
                logger: logger.with(label: "heartline.alerts")
            )
            alerts = dispatcher
            services.append(AlertDispatcherService(dispatcher: dispatcher))
        }
        let configuration = SafetyLayer.Configuration(
            rateLimits: .init(perMinute: safety.ratePerMinute, perDay: safety.ratePerDay),
            blocklistPath: safety.blocklistPath,
            maxRepeats: safety.maxRepeats,
            refuseAbuse: safety.refuseAbuse
        )
        let layer = try SafetyLayer.live(configuration: configuration, alerts: alerts, logger: logger.with(label: "heartline.safety"))
        guard safety.moderation.enabled, !settings.model.name.isEmpty else { return (layer, services) }
        let moderated = ModeratedSafetyFilter(
            base: layer, moderator: moderator(settings: settings, httpClient: httpClient, logger: logger),
            budget: safety.moderation.budget, counters: layer.counters, logger: logger.with(label: "heartline.safety.moderation"),
            onCheck: { stage, outcome in metrics?.moderation(stage: stage, outcome: outcome) }
        )
        logger.info("moderation second opinion on", metadata: [
            "moderation.model": "\(safety.moderation.model)", "moderation.budget_ms": "\(safety.moderation.budget.milliseconds)",
        ])
        return (moderated, services)
    }

    /// The `/v1/moderations` client: the remote model's server and key unless
    /// `safety.moderation.baseUrl` / `apiKey` name another (a local model server has no
    /// moderation endpoint).
    static func moderator(settings: HeartlineSettings, httpClient: HTTPClient, logger: Logger) -> OpenAIModerationClient {
        var configuration = ModelFactory.openAIConfiguration(settings: settings)
        let moderation = settings.safety.moderation
        if let baseURL = moderation.baseURL {
            configuration.baseURL = baseURL
            configuration.apiKey = moderation.apiKey
            configuration.organization = nil
        } else if let apiKey = moderation.apiKey {
            configuration.apiKey = apiKey
        }
        configuration.maxRetries = 0
        configuration.maxResponseBytes = 64 << 10
        return OpenAIModerationClient(client: OpenAIClient(httpClient: httpClient, configuration: configuration, logger: logger), model: moderation.model)
    }
}
