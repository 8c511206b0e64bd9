import ChatCore
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import TelegramAdapter

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
    var pipelineConfiguration = settings.pipeline
    pipelineConfiguration.handoff = settings.handoff.pipeline
    // The pipeline gets the store even when handoffs are off (`handoff.enabled` decides), so that
    // `/forget` still deletes the history of handoffs held while they were on.
    let (handoffs, operatorsGroup) = OperatorsGroup.wrap(
        dependencies.handoffs, settings: settings.handoff, telegram: dependencies.telegram, logger: logger.with(label: "heartline.handoff")
    )
    if settings.handoff.isEnabled, handoffs == nil {
        logger.warning("handoff configured but the store has no handoffs; handoffs are off")
    }
    let pipeline = ConversationPipeline(
        configuration: pipelineConfiguration,
        sessions: dependencies.sessions,
        inbox: dependencies.inbox,
        handoffs: handoffs,
        feedback: dependencies.feedback,
        model: dependencies.model,
        safety: dependencies.safety,
        observer: MetricsPipelineObserver(metrics: dependencies.metrics, next: dependencies.observer),
        logger: logger.with(label: "heartline.pipeline"),
        now: dependencies.now
    )
    let drafts = ReplyDraftBoard()
    let workers = PipelineWorkers(
        queue: queue,
        waiters: waiters,
        pipeline: pipeline,
        inbox: dependencies.inbox,
        messengers: dependencies.messengers,
        concurrency: settings.workers,
        drafts: drafts,
        logger: logger.with(label: "heartline.workers"),
        onDelivery: dependencies.metrics.delivery
    )
    let readiness = dependencies.readiness
    let intake = MessageIntake(
        inbox: dependencies.inbox, queue: queue, waiters: waiters, hasher: dependencies.hasher, drafts: drafts,
        logger: logger.with(label: "heartline.intake"),
        onDuplicate: dependencies.metrics.dedupeHit,
        onStoreResult: { ok in ok ? readiness.reportSuccess("store") : readiness.reportFailure("store") }
    )

    let router = Router(context: BasicRequestContext.self)
    let telegramWebhook = dependencies.telegram.flatMap { $0.settings.mode == .webhook ? $0.settings.webhookPath : nil }
    router.add(middleware: MetricsMiddleware(
        metrics: dependencies.metrics,
        classifier: HTTPChannel.Classifier(
            telegramPath: telegramWebhook,
            wechatPushPath: settings.wechat.isEnabled ? settings.wechat.pushPath : nil,
            miniProgramPrefix: settings.wechat.isEnabled ? settings.wechat.miniProgramPath : nil
        )
    ))
    if settings.http.accessLog {
        router.add(middleware: AccessLogMiddleware(logger: logger.with(label: "heartline.access")))
    }
    let probes = OperationalProbes(queue: queue, inbox: dependencies.inbox, model: dependencies.model, readiness: readiness, metrics: dependencies.metrics, now: dependencies.now)
    HealthRoutes.add(to: router, readiness: readiness, refresh: probes.refreshReadiness)
    let handoffDesk = HandoffDesk.install(
        store: handoffs, settings: settings, dependencies: dependencies, router: router, logger: logger.with(label: "heartline.handoff")
    )
    if settings.metricsEndpointEnabled, dependencies.metrics.registry != nil {
        let metrics = dependencies.metrics
        MetricsRoutes(metrics: metrics, token: settings.metrics.token, sample: {
            await probes.sampleGauges()
            if let handoffDesk, let open = await handoffDesk.openCount() { metrics.sampleHandoffs(open: open) }
        }).add(to: router)
    } else if settings.metrics.enabled == true {
        logger.warning("metrics endpoint not served: beyond loopback it needs metrics.token")
    }
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
        let operators = zip(operatorsGroup, handoffDesk).map { group, desk in
            (chatID: group.chatID, receive: { @Sendable (message: TelegramMessage, update: Int64) async in await group.receive(message, updateID: update, desk: desk) })
        }
        services += TelegramChannel.install(
            telegram, router: router, intake: intake, isLoopback: settings.isLoopback, logger: logger, now: dependencies.now, operators: operators
        )
    }
    if let operatorsGroup { services.append(operatorsGroup) }
    if let handoffDesk {
        services.append(HandoffTimeoutService(desk: handoffDesk, interval: settings.handoff.checkInterval, logger: logger.with(label: "heartline.handoff")))
    }
    services.append(PipelineWorkerService(workers: workers, readiness: dependencies.readiness, logger: logger.with(label: "heartline.workers")))
    services.append(SessionSweeperService(
        store: dependencies.sessions, ttl: settings.pipeline.sessionLimits.idleTTL, interval: settings.sweepInterval,
        logger: logger.with(label: "heartline.sweeper"), now: dependencies.now
    ))
    if let feedback = dependencies.feedback {
        services.append(FeedbackSweeperService(
            store: feedback, retention: settings.feedbackRetention, interval: settings.sweepInterval,
            logger: logger.with(label: "heartline.sweeper"), now: dependencies.now
        ))
    }

    return Application(
        router: router,
        configuration: .init(address: .hostname(settings.http.host, port: settings.http.port), serverName: "Heartline"),
        services: services,
        onServerRunning: onServerRunning,
        logger: logger
    )
}
