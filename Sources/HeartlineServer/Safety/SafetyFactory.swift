import AsyncHTTPClient
import ChatCore
import Foundation
import Logging
import Safety
import ServiceLifecycle

/// Builds the safety layer from settings: the detector and output checks over the built-in
/// lexicon, the operator's blocklist, rate limits, and the operator alert sender when configured.
enum SafetyFactory {
    static func layer(settings: HeartlineSettings, httpClient: HTTPClient, logger: Logger) throws -> (SafetyLayer, [any Service]) {
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
        return (layer, services)
    }
}
