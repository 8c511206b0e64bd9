import ChatCore
import Foundation
import Hummingbird
import Logging

extension HandoffDesk {
    /// Adds the counsellors' API and console, and the local channel's pending-messages endpoint,
    /// when handoffs are on (a token is set and the store keeps handoffs). Returns the desk.
    static func install<Context: RequestContext>(
        store: (any HandoffStore)?, settings: HeartlineSettings, dependencies: HeartlineDependencies, router: Router<Context>, logger: Logger
    ) -> HandoffDesk? {
        guard settings.handoff.isEnabled, let store, let token = settings.handoff.token else { return nil }
        let outbox = LocalOutbox(now: dependencies.now)
        var messengers = dependencies.messengers
        messengers[.local] = outbox
        if settings.wechat.isEnabled { messengers[.miniprogram] = MiniProgramPickup() }
        let desk = HandoffDesk(
            store: store, messengers: messengers, settings: settings.handoff, metrics: dependencies.metrics, logger: logger, now: dependencies.now
        )
        HandoffRoutes(desk: desk, token: token, maxBodyBytes: settings.http.maxBodyBytes).add(to: router)
        ConsoleRoutes.add(to: router)
        if settings.localChannelEnabled {
            LocalOutboxRoutes(outbox: outbox, apiKey: settings.local.apiKey).add(to: router)
        }
        logger.info("counsellor handoff on", metadata: [
            "handoff.on_crisis": "\(settings.handoff.onCrisis)", "handoff.timeout_s": "\(Int(settings.handoff.timeout.seconds))",
        ])
        return desk
    }
}
