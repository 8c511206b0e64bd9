import ChatCore
import Foundation
import Logging
import Storage
import Testing
@testable import HeartlineServer

/// Answer feedback is kept for `feedback.retentionDays`, then the sweeper deletes it.
@Suite struct FeedbackSweeperTests {
    @Test func votesOlderThanTheRetentionAreDeleted() async throws {
        let directory = temporaryDataDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteStore(dataDirectory: directory, hasher: HMACUserKeyHasher(key: Array(repeating: 5, count: 32)))
        let now = Date(timeIntervalSince1970: 1_900_000_000)
        func vote(_ reply: String, daysAgo: Double) -> AnswerFeedback {
            let at = now.addingTimeInterval(-daysAgo * 86400)
            return AnswerFeedback(
                user: UserHash("u"), replyKey: reply, vote: .up, reason: nil,
                answer: RatedAnswer(source: .model, tier: .none, channel: .miniprogram, answeredAt: at), votedAt: at
            )
        }
        try await store.feedback.record(vote("old", daysAgo: 200))
        try await store.feedback.record(vote("recent", daysAgo: 10))
        let sweeper = FeedbackSweeperService(
            store: store.feedback, retention: HeartlineSettings().feedbackRetention, interval: .seconds(600),
            logger: Logger(label: "test"), now: { now }
        )
        await sweeper.sweepOnce()
        #expect(try await store.feedback.tallies(since: .distantPast).map(\.count) == [1])
        #expect(try await store.feedback.tallies(since: now.addingTimeInterval(-11 * 86400)).count == 1)
    }

    @Test func theRetentionIsTyped() async throws {
        var defaults = SettingsLoader(reader: try await SettingsLoader.reader(overrides: [:], environment: [:], dotEnvPath: nil))
        #expect(try defaults.load().feedbackRetention == .seconds(180 * 24 * 3600))
        var thirty = SettingsLoader(reader: try await SettingsLoader.reader(overrides: ["feedback.retentionDays": "30"], environment: [:], dotEnvPath: nil))
        #expect(try thirty.load().feedbackRetention == .seconds(30 * 24 * 3600))
        var bad = SettingsLoader(reader: try await SettingsLoader.reader(overrides: ["feedback.retentionDays": "0"], environment: [:], dotEnvPath: nil))
        #expect(throws: SettingsError.self) { try bad.load() }
    }
}
