import ChatCore
import Foundation
import HTTPTypes
import HeartlineServer
import HummingbirdTesting
import Storage
import Testing
import TelegramAdapter
import TelegramBotAPIFake

/// Dedupe on `<bot>:<update_id>` survives a restart (file inbox in a temporary directory): an
/// update Telegram re-delivers after we restarted is not answered twice.
@Suite struct TelegramRestartTests {
    @Test func aReplayAfterARestartIsNotAnsweredAgain() async throws {
        let harness = TelegramServerHarness()
        defer { harness.removeData() }
        let fake = TelegramBotAPIFake()
        try await fake.run { baseURL in
            let settings = TelegramServerHarness.settings(baseURL: baseURL, dataDirectory: harness.dataDirectory)
            let body = try TelegramFixtures.bytes("private-chinese-text")
            try await harness.run(settings: settings) { (client, _) async throws in
                let status = try await client.postUpdate(body).status
                #expect(status == .ok)
                await fake.waitFor("sendMessage")
            }
            #expect(fake.sentMessages().count == 1)
            try await harness.run(settings: settings) { (client, _) async throws in
                let replay = try await client.postUpdate(body).status
                #expect(replay == .ok)
                let next = try await client.postUpdate(TelegramFixtures.privateText(updateID: 734_512_600, user: 5_200_000_002, text: "我又来了")).status
                #expect(next == .ok)
                await fake.waitFor("sendMessage", count: 2)
            }
            #expect(fake.sentMessages().count == 2)
            #expect(fake.sentMessages().last?.text?.isEmpty == false)
        }
    }
}
