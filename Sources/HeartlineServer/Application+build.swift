import ChatCore
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Builds the application — routes, workers, services — from settings and dependencies. Used by
/// `heartline serve` and by the tests, so both run the same thing.
public func buildApplication(
    settings: HeartlineSettings,
    dependencies: HeartlineDependencies,
    logger: Logger,
    onServerRunning: @escaping @Sendable (any NIOCore.Channel) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let queue: any WorkSource = dependencies.workSource ?? WorkQueue(capacity: settings.queueCapacity)
    let waiters = dependencies.waiters
    let pipeline = ConversationPipeline(
        configuration: settings.pipeline,
        sessions: dependencies.sessions,
        inbox: dependencies.inbox,
        model: dependencies.model,
        safety: dependencies.safety,
        observer: dependencies.observer,
        logger: logger.with(label: "heartline.pipeline"),
        now: dependencies.now
    )
    let workers = PipelineWorkers(
        queue: queue,
        waiters: waiters,
        pipeline: pipeline,
        inbox: dependencies.inbox,
        messengers: dependencies.messengers,
        concurrency: settings.workers,
        logger: logger.with(label: "heartline.workers")
    )
    let intake = MessageIntake(inbox: dependencies.inbox, queue: queue, waiters: waiters, hasher: dependencies.hasher, logger: logger.with(label: "heartline.intake"))

    let router = Router(context: BasicRequestContext.self)
    if settings.http.accessLog {
        router.add(middleware: AccessLogMiddleware(logger: logger.with(label: "heartline.access")))
    }
    HealthRoutes.add(to: router, readiness: dependencies.readiness)
    if settings.localChannelEnabled {
        LocalChannelRoutes(
            intake: intake,
            maxBodyBytes: settings.http.maxBodyBytes,
            apiKey: settings.local.apiKey,
            replyTimeout: settings.local.replyTimeout,
            now: dependencies.now
        ).add(to: router)
    } else if settings.local.enabled == true {
        logger.warning("local channel disabled: listening beyond loopback needs local.apiKey")
    }

    WeChatRoutes.add(to: router, settings: settings, dependencies: dependencies, intake: intake, logger: logger)

    var services: [any Service] = dependencies.services
    if let telegram = dependencies.telegram {
        services += TelegramChannel.install(telegram, router: router, intake: intake, isLoopback: settings.isLoopback, logger: logger, now: dependencies.now)
    }
    services.append(PipelineWorkerService(workers: workers, readiness: dependencies.readiness, logger: logger.with(label: "heartline.workers")))
    services.append(SessionSweeperService(
        store: dependencies.sessions, ttl: settings.pipeline.sessionLimits.idleTTL, interval: settings.sweepInterval,
        logger: logger.with(label: "heartline.sweeper"), now: dependencies.now
    ))

    return Application(
        router: router,
        configuration: .init(address: .hostname(settings.http.host, port: settings.http.port), serverName: "Heartline"),
        services: services,
        onServerRunning: onServerRunning,
        logger: logger
    )
}
