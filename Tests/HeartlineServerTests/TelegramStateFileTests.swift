import Foundation
import HeartlineServer
import Logging
import Storage
import Testing
import TelegramAdapter

/// The Telegram state kept in the data directory: blocked chats (hashed) and group migrations
/// survive a restart; the polling offset is written atomically; damaged files do not stop the bot.
@Suite struct TelegramStateFileTests {
    let hasher = HMACUserKeyHasher(key: Array("0123456789abcdef0123456789abcdef".utf8))

    @Test func blockedChatsAndMigrationsSurviveARestart() async throws {
        let harness = TelegramServerHarness()
        defer { harness.removeData() }
        let directory = harness.dataDirectory + "/telegram"
        let at = Date(timeIntervalSince1970: 1_718_000_000)
        do {
            let state = try TelegramChatStateFile(directory: directory, botKey: "7000000002", hasher: hasher, logger: TelegramServerHarness.quietLogger)
            await state.setBlocked(5_123_456_789, at: at)
            await state.recordMigration(from: -4_012_345_678, to: -1_004_012_345_678)
        }
        let reopened = try TelegramChatStateFile(directory: directory, botKey: "7000000002", hasher: hasher, logger: TelegramServerHarness.quietLogger)
        #expect(await reopened.blockedSince(5_123_456_789) == at)
        #expect(await reopened.blockedSince(5_123_456_790) == nil)
        #expect(await reopened.currentChatID(for: -4_012_345_678) == -1_004_012_345_678)
        #expect(await reopened.currentChatID(for: 42) == 42)
        let text = try String(contentsOfFile: reopened.path, encoding: .utf8)
        #expect(!text.contains("5123456789"))
        let mode = try FileManager.default.attributesOfItem(atPath: reopened.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        await reopened.setBlocked(5_123_456_789, at: nil)
        #expect(await reopened.blockedSince(5_123_456_789) == nil)
    }

    @Test func aDamagedStateFileStartsEmpty() async throws {
        let harness = TelegramServerHarness()
        defer { harness.removeData() }
        let directory = harness.dataDirectory + "/telegram"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: directory + "/7000000002-chats.json"))
        let state = try TelegramChatStateFile(directory: directory, botKey: "7000000002", hasher: hasher, logger: TelegramServerHarness.quietLogger)
        #expect(await state.blockedSince(1) == nil)
        await state.setBlocked(1, at: Date())
        #expect(await state.blockedSince(1) != nil)
    }

    @Test func theOffsetFile() async throws {
        let harness = TelegramServerHarness()
        defer { harness.removeData() }
        let offsets = TelegramOffsetFile(directory: harness.dataDirectory + "/telegram", botKey: "7000000002")
        #expect(try await offsets.load() == nil)
        try await offsets.save(734_512_005)
        #expect(try await offsets.load() == 734_512_005)
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: offsets.path))
        #expect(try await offsets.load() == nil)  // Telegram still holds unconfirmed updates
    }
}
