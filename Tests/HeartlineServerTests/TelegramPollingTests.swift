import ChatCore
import Foundation
import HTTPTypes
import HeartlineServer
import HummingbirdTesting
import Storage
import Testing
import TelegramAdapter
import TelegramBotAPIFake

/// Long polling through the real server against the fake (B.3): updates are answered, the
/// offset is kept in the data directory, a restart neither loses nor repeats updates, and a set
/// webhook stops polling unless the operator asked for it to be deleted.
@Suite struct TelegramPollingTests {
    static func offset(_ harness: TelegramServerHarness) -> Int64? {
        let path = harness.dataDirectory + "/telegram/7000000002.offset"
        return (try? String(contentsOfFile: path, encoding: .utf8)).flatMap { Int64($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    @Test func pollsAnswersAndSurvivesARestart() async throws {
        let harness = TelegramServerHarness()
        defer { harness.removeData() }
        let fake = TelegramBotAPIFake()
        try await fake.run { baseURL in
            let settings = TelegramServerHarness.settings(baseURL: baseURL, mode: .polling, dataDirectory: harness.dataDirectory)
            for (id, user) in [(Int64(900), Int64(71)), (901, 72), (902, 73)] {
                fake.enqueueUpdate(TelegramFixtures.privateText(updateID: id, user: user, text: "你好 \(id)"))
            }
            fake.enqueueUpdate(try TelegramFixtures.text("group-chatter").replacingOccurrences(of: "734512021", with: "903"))
            try await harness.run(settings: settings) { (_, _) async throws in
                await fake.waitFor("sendMessage", count: 3)
                // The poll after the batch confirms it.
                await fake.waitFor("getUpdates", count: 2, where: { $0.json["offset"] as? Int64 == 904 })
            }
            #expect(Set(fake.sentMessages().compactMap(\.chatID)) == [71, 72, 73])
            #expect(Self.offset(harness) == 904)
            let firstPoll = try #require(fake.calls("getUpdates").first?.json)
            #expect(firstPoll["allowed_updates"] as? [String] == ["message", "edited_message", "my_chat_member"])
            #expect(firstPoll["timeout"] as? Int == 1)

            // While stopped: Telegram re-sends an update we had recorded (as after a crash before
            // the confirmation) and queues two new ones.
            fake.enqueueUpdate(TelegramFixtures.privateText(updateID: 902, user: 73, text: "你好 902"))
            fake.enqueueUpdate(TelegramFixtures.privateText(updateID: 904, user: 74, text: "新消息"))
            fake.enqueueUpdate(TelegramFixtures.privateText(updateID: 905, user: 71, text: "还有一条"))
            try await harness.run(settings: settings) { (_, _) async throws in
                await fake.waitFor("sendMessage", count: 5)
                await fake.waitFor("getUpdates", where: { $0.json["offset"] as? Int64 == 906 })
            }
            let chats = fake.sentMessages().compactMap(\.chatID)
            #expect(chats.count == 5)
            #expect(chats.filter { $0 == 73 }.count == 1)  // 902 was not answered again
            #expect(Set(chats.suffix(2)) == [74, 71])
            #expect(Self.offset(harness) == 906)
            // The restarted poller resumed from the saved offset.
            let resumed = fake.calls("getUpdates").map { $0.json["offset"] as? Int64 }
            #expect(resumed.contains(904))
        }
    }

    @Test func refusesToPollWhileAWebhookIsSet() async throws {
        let harness = TelegramServerHarness()
        defer { harness.removeData() }
        let fake = TelegramBotAPIFake()
        try await fake.run { baseURL in
            fake.setWebhook(url: "https://bot.example.org/telegram/webhook", secret: "x")
            let settings = TelegramServerHarness.settings(baseURL: baseURL, mode: .polling, dataDirectory: harness.dataDirectory)
            let error = try await harness.runUntilExit(settings: settings)
            #expect(error as? TelegramPollingError == .webhookActive)
            #expect("\(error.map { "\($0)" } ?? "")".contains("heartline telegram delete-webhook"))
            #expect(fake.webhookURL != nil)
            #expect(fake.calls("getUpdates").isEmpty)
        }
    }

    @Test func deletesTheWebhookWhenToldTo() async throws {
        let harness = TelegramServerHarness()
        defer { harness.removeData() }
        let fake = TelegramBotAPIFake()
        try await fake.run { baseURL in
            fake.setWebhook(url: "https://bot.example.org/telegram/webhook", secret: "x")
            fake.enqueueUpdate(TelegramFixtures.privateText(updateID: 5, user: 99, text: "hello there", language: "en"))
            var settings = TelegramServerHarness.settings(baseURL: baseURL, mode: .polling, dataDirectory: harness.dataDirectory)
            settings.telegram.deleteWebhookForPolling = true
            try await harness.run(settings: settings) { (_, _) async throws in
                await fake.waitFor("sendMessage")
            }
            #expect(fake.webhookURL == nil)
            #expect(fake.sentMessages().first?.chatID == 99)
        }
    }
}
