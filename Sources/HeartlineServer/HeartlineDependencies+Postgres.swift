import ChatCore
import Logging
import PostgresStore
import ServiceLifecycle
import Storage

extension HeartlineDependencies {
    static func isPostgres(_ store: String) -> Bool {
        store.hasPrefix("postgres://") || store.hasPrefix("postgresql://")
    }

    /// The store's configuration: the URL's options, and the same dedupe and reply retention as
    /// the embedded store (`dedupe.hours`, `dedupe.replyHours`). The table keeps one dedupe window
    /// for every channel, so a per-channel override (`dedupe.telegramHours`, …) can only lengthen
    /// it: the longest of them applies, and no channel remembers ids for less than it asked.
    static func postgresConfiguration(_ settings: HeartlineSettings) throws -> PostgresStoreConfiguration {
        var configuration: PostgresStoreConfiguration
        do {
            configuration = try PostgresStoreConfiguration(url: settings.store)
        } catch {
            throw SettingsError(problems: [error.description])
        }
        let store = settings.embeddedStore
        configuration.dedupeRetention = store.dedupeRetentionByChannel.values.reduce(store.dedupeRetention, max)
        configuration.replyRetention = store.replyRetention
        return configuration
    }

    /// The PostgreSQL store (`store` = a `postgres://` URL): migrations applied before anything
    /// else, and the hash key shared through the database unless one is configured (every
    /// instance must hash user ids alike). The store is also a service (pool, listener, lease
    /// renewal) that must be listed before the workers, so that it stops after them.
    static func postgres(settings: HeartlineSettings, readiness: Readiness, metrics: HeartlineMetrics, waiters: ReplyWaiters, logger: Logger) async throws -> (any UserKeyHasher, PostgresStore) {
        let configuration = try postgresConfiguration(settings)
        let storeLogger = logger.with(label: "heartline.store")
        try await PostgresStore.prepare(configuration, logger: storeLogger)
        let key: [UInt8]
        if let configured = settings.hashKey {
            key = Array(configured.utf8)
        } else {
            key = try await PostgresStore.sharedHashKey(configuration, logger: storeLogger)
        }
        let hasher = HMACUserKeyHasher(key: key)
        let store = PostgresStore(
            configuration: configuration, hasher: hasher, waiters: waiters, capacity: settings.queueCapacity, logger: storeLogger,
            onHealthChange: { healthy in
                readiness.set("store", healthy: healthy)
                // The probe through the pool is what counts: writes refused during the outage
                // must not keep the instance out of rotation once the database answers again.
                if healthy { readiness.reportSuccess("store") }
                metrics.storeAvailable(healthy)
            }
        )
        storeLogger.info("using the PostgreSQL store", metadata: ["store.target": "\(configuration)", "store.instance": "\(store.instanceID)"])
        return (hasher, store)
    }
}
