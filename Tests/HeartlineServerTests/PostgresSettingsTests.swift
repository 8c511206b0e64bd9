import ChatCore
import Foundation
@testable import HeartlineServer
import PostgresStore
import Testing

/// The PostgreSQL store keeps dedupe keys and API replies as long as the embedded store would
/// (`dedupe.hours`, `dedupe.replyHours`), and a per-channel override can only lengthen its one
/// window. No database is needed: this is the configuration the store is started with.
@Suite struct PostgresSettingsTests {
    @Test func retentionSettingsReachThePostgresStore() throws {
        var settings = HeartlineSettings()
        settings.store = "postgres://heartline@127.0.0.1:5432/heartline"
        let defaults = try HeartlineDependencies.postgresConfiguration(settings)
        #expect(defaults.dedupeRetention == .seconds(7 * 24 * 3600))
        #expect(defaults.replyRetention == .seconds(24 * 3600))

        settings.embeddedStore.dedupeRetention = .seconds(48 * 3600)
        settings.embeddedStore.replyRetention = .seconds(2 * 3600)
        settings.embeddedStore.dedupeRetentionByChannel[.telegram] = .seconds(24 * 3600)
        let shorter = try HeartlineDependencies.postgresConfiguration(settings)
        #expect(shorter.dedupeRetention == .seconds(48 * 3600), "a shorter channel override does not shorten the shared window")
        #expect(shorter.replyRetention == .seconds(2 * 3600))

        settings.embeddedStore.dedupeRetentionByChannel[.wechat] = .seconds(30 * 24 * 3600)
        #expect(try HeartlineDependencies.postgresConfiguration(settings).dedupeRetention == .seconds(30 * 24 * 3600))
    }

    @Test func aBadURLIsASettingsError() {
        var settings = HeartlineSettings()
        settings.store = "postgres://heartline@127.0.0.1:5432/heartline?pool=zero"
        #expect(throws: SettingsError.self) { try HeartlineDependencies.postgresConfiguration(settings) }
    }
}
