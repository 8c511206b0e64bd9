import AsyncHTTPClient
import ChatCore
import Foundation
import Logging
import NIOCore
import PostgresStore
import ModelBackends
import Safety
import ServiceLifecycle
import Storage

/// The outside effects the application is built from. `live` builds the real ones from settings;
/// tests pass fakes for the remote platforms and models.
public struct HeartlineDependencies: Sendable {
    public var hasher: any UserKeyHasher
    public var sessions: any SessionStore
    public var inbox: any Inbox
    /// Where counsellor handoffs are kept (the configured store); nil: handoffs are unavailable.
    public var handoffs: (any HandoffStore)?
    /// Where answer feedback (👍/👎) is kept (the configured store); nil: feedback is unavailable.
    public var feedback: (any FeedbackStore)?
    /// The whole model chain (never throws in practice; the pipeline copes if it does).
    public var model: any CompletionModel
    public var safety: any SafetyFilter
    public var messengers: [ChatChannel: any Messenger]
    /// Where workers take messages from; nil: an in-process `WorkQueue` (embedded store).
    public var workSource: (any WorkSource)?
    /// The WeChat channel's clients; nil when it is disabled.
    public var wechat: WeChatServices?
    public var observer: any PipelineObserver
    /// Where the service's metrics go; each application owns its own (no global bootstrap).
    public var metrics: HeartlineMetrics
    public var now: @Sendable () -> Date
    /// Long-lived services the dependencies need run (e.g. the HTTP client owner).
    public var services: [any Service]
    public var readiness: Readiness
    /// The Telegram channel (webhook or polling, Bot API client); nil when it is off.
    public var telegram: TelegramComponents?
    /// Where synchronous callers wait for replies; a shared store wakes them when another
    /// instance answered.
    public var waiters = ReplyWaiters()
    /// Releases resources when no service group runs them (one-shot commands such as `ask`).
    public var close: @Sendable () async -> Void
    /// What a one-shot command must keep running while it works: the PostgreSQL store's pool
    /// answers queries only while the store runs (`whileRunning`). Empty for the embedded store.
    public var oneShotServices: [any Service] = []

    public init(
        hasher: any UserKeyHasher,
        sessions: any SessionStore,
        inbox: any Inbox,
        model: any CompletionModel,
        safety: any SafetyFilter,
        messengers: [ChatChannel: any Messenger] = [:],
        wechat: WeChatServices? = nil,
        observer: any PipelineObserver = NoPipelineObserver(),
        metrics: HeartlineMetrics = HeartlineMetrics(),
        now: @escaping @Sendable () -> Date = { Date() },
        services: [any Service] = [],
        readiness: Readiness = Readiness(),
        telegram: TelegramComponents? = nil,
        close: @escaping @Sendable () async -> Void = {}
    ) {
        self.hasher = hasher
        self.sessions = sessions
        self.inbox = inbox
        self.model = model
        self.safety = safety
        self.messengers = messengers
        self.wechat = wechat
        self.observer = observer
        self.metrics = metrics
        self.now = now
        self.services = services
        self.readiness = readiness
        self.telegram = telegram
        self.close = close
    }

    /// Builds the real dependencies: the embedded store in the data directory, the model chain
    /// (configured model → retrieval over the corpus → calm fixed reply).
    /// `withInbox: false` builds what a one-shot command needs (no inbox, so it can run beside a
    /// server using the same data directory).
    public static func live(settings: HeartlineSettings, logger: Logger, withInbox: Bool = true) async throws -> HeartlineDependencies {
        let readiness = Readiness()
        let metrics = settings.metrics.enabled == false ? HeartlineMetrics.disabled() : HeartlineMetrics()
        let waiters = ReplyWaiters()
        let hasher: any UserKeyHasher
        let sessions: any SessionStore
        let inbox: any Inbox
        let handoffs: any HandoffStore
        let feedback: any FeedbackStore
        var storeServices: [any Service] = []
        var workSource: (any WorkSource)?
        var oneShotServices: [any Service] = []
        if isPostgres(settings.store) {
            let (postgresHasher, store) = try await postgres(settings: settings, readiness: readiness, metrics: metrics, waiters: waiters, logger: logger)
            hasher = postgresHasher
            sessions = store.sessions
            handoffs = store.handoffs
            feedback = store.feedback
            if withInbox {
                inbox = store.inbox
                workSource = store.workSource
                storeServices = [store]
            } else {
                // A one-shot command shares the sessions and the hash key with the service, but
                // records nothing in the shared inbox and claims no work.
                inbox = NoInbox()
                oneShotServices = [store]
            }
        } else {
            let key: [UInt8]
            if let configured = settings.hashKey {
                key = Array(configured.utf8)
            } else {
                key = try HMACUserKeyHasher.loadOrCreateKey(dataDirectory: settings.dataDirectory)
            }
            hasher = HMACUserKeyHasher(key: key)
            guard settings.store == "file" else {
                throw SettingsError(problems: ["store: expected `file` or a postgres:// URL"])
            }
            let store = try SQLiteStore(
                dataDirectory: settings.dataDirectory, hasher: hasher, options: settings.embeddedStore.options(exclusive: withInbox),
                logger: logger.with(label: "heartline.store")
            )
            sessions = store.sessions
            handoffs = store.handoffs
            feedback = store.feedback
            inbox = withInbox ? store.inbox : NoInbox()
            if withInbox {
                storeServices = [StoreMaintenanceService(store: store, interval: settings.embeddedStore.pruneInterval, logger: logger.with(label: "heartline.store"))]
            }
        }
        readiness.set("store", healthy: true)

        // AsyncHTTPClient keeps at most 8 connections per host by default and queues the rest: with
        // a model that takes seconds per answer that capped answers at 8 in flight whatever
        // `workers` said, and replayed backlogs after a restart timed out waiting for a connection
        // (bench/reliability/crash.py with a slow model). Allow one connection per worker.
        var clientConfiguration = HTTPClient.Configuration(timeout: .init(connect: .seconds(5)))
        clientConfiguration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(8, settings.workers))
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        // Until the dependencies exist nothing owns the client, and AsyncHTTPClient must be shut
        // down before it goes away: a failure below (a bad WeChat key, an unreadable lexicon)
        // shuts it down before the error is thrown.
        func owningClient<T>(_ make: () throws -> T) async throws -> T {
            do {
                return try make()
            } catch {
                try? await httpClient.shutdown()
                throw error
            }
        }
        let model = try await owningClient { try ModelFactory.chain(settings: settings, httpClient: httpClient, logger: logger, onEvent: metrics.model) }
        readiness.set("model", healthy: true)
        let wechat = try await owningClient { try WeChatServices.live(settings: settings.wechat, httpClient: httpClient, logger: logger) }

        let (safety, safetyServices) = try await owningClient {
            try SafetyFactory.layer(settings: settings, httpClient: httpClient, logger: logger, metrics: metrics)
        }
        readiness.set("safety", healthy: true)
        let telegram = withInbox
            ? try await owningClient {
                try TelegramComponents.live(settings: settings.telegram, dataDirectory: settings.dataDirectory, httpClient: httpClient, hasher: hasher, logger: logger)
            }
            : nil
        var messengers: [ChatChannel: any Messenger] = [:]
        messengers[.wechat] = wechat?.messenger
        messengers[.telegram] = telegram?.messenger

        var dependencies = HeartlineDependencies(
            hasher: hasher,
            sessions: sessions,
            inbox: inbox,
            model: model,
            safety: safety,
            messengers: messengers,
            wechat: wechat,
            metrics: metrics,
            services: storeServices + [HTTPClientService(client: httpClient)] + safetyServices,
            readiness: readiness,
            telegram: telegram,
            close: { try? await httpClient.shutdown() }
        )
        dependencies.workSource = workSource
        dependencies.oneShotServices = oneShotServices
        dependencies.waiters = waiters
        dependencies.handoffs = handoffs
        dependencies.feedback = feedback
        return dependencies
    }
}

extension HeartlineDependencies {
    /// Runs `body` while `oneShotServices` run, then stops them: how a one-shot command (`ask`)
    /// uses a store whose pool needs its service running.
    public func whileRunning<T: Sendable>(_ body: () async -> T) async -> T {
        guard !oneShotServices.isEmpty else { return await body() }
        return await withTaskGroup(of: Void.self, returning: T.self) { group in
            for service in oneShotServices {
                group.addTask { try? await service.run() }
            }
            let result = await body()
            group.cancelAll()
            return result
        }
    }
}

extension Logger {
    /// A copy with another label and the same level and metadata.
    func with(label: String) -> Logger {
        var copy = Logger(label: label)
        copy.logLevel = logLevel
        return copy
    }
}

extension HeartlineSettings.EmbeddedStore {
    func options(exclusive: Bool) -> SQLiteStore.Options {
        var options = SQLiteStore.Options()
        options.dedupeRetention = dedupeRetention
        options.dedupeRetentionByChannel = dedupeRetentionByChannel
        options.replyRetention = replyRetention
        options.sessionCacheBytes = sessionCacheBytes
        options.exclusive = exclusive
        return options
    }
}

/// An inbox that keeps nothing, for one-shot commands that call the pipeline directly.
struct NoInbox: Inbox {
    func record(_ message: InboundMessage, userHash: UserHash) async throws -> InboxRecordResult {
        throw StoreError.unavailable("this command has no inbox")
    }
    func complete(_ id: String, reply: Reply?) async throws {}
    func pending() async throws -> [InboxEntry] { [] }
    func reply(for id: String) async throws -> Reply?? { .none }
    func purge(_ user: UserHash, keeping: String?) async throws {}
}
