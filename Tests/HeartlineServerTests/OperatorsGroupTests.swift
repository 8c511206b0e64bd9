import ChatCore
import Foundation
import HTTPTypes
import HeartlineServer
import HummingbirdTesting
import Testing
import TelegramAdapter
import TelegramBotAPIFake

/// The operators' Telegram group: a handoff and its user's messages are posted there, and a
/// counsellor's reply to a post reaches the user once (even when Telegram delivers it twice);
/// `/close` in reply closes the handoff.
@Suite struct OperatorsGroupTests {
    static let group: Int64 = -1_001_234_567_890
    static let user: Int64 = 5_200_000_077

    static func groupReply(updateID: Int64, text: String, to post: TelegramBotAPIFake.Call, botID: Int64) -> String {
        let escaped = { (s: String) in (try? JSONEncoder().encode(s)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\"" }
        let postText = post.text ?? ""
        return #"{"update_id": \#(updateID), "message": {"message_id": \#(updateID % 1000 + 500), "date": 1718000000, "from": {"id": 42, "is_bot": false, "first_name": "Ann", "username": "ann_counsellor"}, "chat": {"id": \#(group), "type": "supergroup", "title": "Counsellors"}, "text": \#(escaped(text)), "reply_to_message": {"message_id": 1001, "date": 1718000000, "from": {"id": \#(botID), "is_bot": true, "first_name": "Heartline"}, "chat": {"id": \#(group), "type": "supergroup"}, "text": \#(escaped(postText))}}}"#
    }

    @Test func handoffsArePostedAndRepliesReachTheUser() async throws {
        let harness = TelegramServerHarness()
        defer { harness.removeData() }
        let fake = TelegramBotAPIFake()
        try await fake.run { baseURL in
            var settings = TelegramServerHarness.settings(baseURL: baseURL, dataDirectory: harness.dataDirectory)
            settings.handoff.token = HandoffAPITests.token
            settings.handoff.telegramChatID = Self.group
            try await harness.run(settings: settings) { (client, _) async throws in
                let toUser: @Sendable (TelegramBotAPIFake.Call) -> Bool = { $0.status == 200 && $0.chatID == Self.user }
                let toGroup: @Sendable (TelegramBotAPIFake.Call) -> Bool = { $0.status == 200 && $0.chatID == Self.group }
                #expect(try await client.postUpdate(TelegramFixtures.privateText(updateID: 800_001, user: Self.user, text: "转人工")).status == .ok)
                await fake.waitFor("sendMessage", where: toUser)
                let posts = await fake.waitFor("sendMessage", count: 2, where: toGroup)
                let opening = try #require(posts.first { ($0.text ?? "").contains("/close") })
                #expect(posts.contains { ($0.text ?? "").hasSuffix("user:\n转人工") })

                let reply = Self.groupReply(updateID: 800_002, text: "你好，我是 Ann，我在这里。", to: opening, botID: fake.options.botID)
                #expect(try await client.postUpdate(reply).status == .ok)
                let delivered = await fake.waitFor("sendMessage", count: 2, where: toUser)
                #expect(delivered.last?.text == "【咨询师 @ann_counsellor】你好，我是 Ann，我在这里。")
                let confirmations = await fake.waitFor("sendMessage", count: 3, where: toGroup)
                #expect(confirmations.last?.text?.contains("delivered") == true)
                // Telegram delivers the same update again: nothing more reaches the user.
                #expect(try await client.postUpdate(reply).status == .ok)
                try await Task.sleep(for: .milliseconds(300))
                #expect(fake.sentMessages().filter(toUser).count == 2)

                // The user's next message goes to the group, not to the model.
                #expect(try await client.postUpdate(TelegramFixtures.privateText(updateID: 800_003, user: Self.user, text: "谢谢你")).status == .ok)
                await fake.waitFor("sendMessage", count: 4, where: toGroup)
                #expect(fake.sentMessages().filter(toUser).count == 2)

                #expect(try await client.postUpdate(Self.groupReply(updateID: 800_004, text: "/close", to: opening, botID: fake.options.botID)).status == .ok)
                let closing = await fake.waitFor("sendMessage", count: 3, where: toUser)
                #expect(closing.last?.text?.contains("结束") == true)
                let list = object(try await client.handoff("/v1/handoff/conversations?status=all"))
                let conversation = (list["conversations"] as? [[String: Any]])?.first
                #expect(conversation?["status"] as? String == "closed")
                let counsellor = (conversation?["messages"] as? [[String: Any]])?.filter { $0["from"] as? String == "counsellor" }
                #expect(counsellor?.count == 1 && counsellor?.first?["counsellor"] as? String == "@ann_counsellor")
                // Chatter in the group (no reply to a post) is neither answered nor recorded.
                let chatter = #"{"update_id": 800005, "message": {"message_id": 9, "date": 1718000000, "from": {"id": 42, "is_bot": false, "first_name": "Ann"}, "chat": {"id": \#(Self.group), "type": "supergroup"}, "text": "大家好"}}"#
                #expect(try await client.postUpdate(chatter).status == .ok)
                try await Task.sleep(for: .milliseconds(200))
                #expect(fake.sentMessages().filter(toGroup).count == 5)
            }
        }
    }
}
