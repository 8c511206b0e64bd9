import ChatCore
import Foundation
import HTTPTypes
import HeartlineServer
import HummingbirdTesting
import NIOCore
import Storage
import Testing
import TelegramAdapter
import TelegramBotAPIFake

/// The webhook through the real server: secret check, limits and bad input (B.2), durable record
/// and dedupe on update_id, replies through the fake Bot API (B.6), group filtering (B.5), B.10.
@Suite struct TelegramWebhookTests {
    func withServer<T: Sendable>(
        model: (any CompletionModel)? = nil, configure: @Sendable (inout HeartlineSettings) -> Void = { _ in },
        _ body: @Sendable (any TestClientProtocol, TelegramBotAPIFake, TelegramServerHarness.Context) async throws -> T
    ) async throws -> T {
        try await TelegramServerHarness.withServer(model: model, configure: configure, body)
    }

    @Test func privateTextIsAnsweredThroughTheBotAPI() async throws {
        try await withServer { (client, fake, _) async throws in
            let response = try await client.postUpdate(try TelegramFixtures.bytes("b10-1-private-text"))
            #expect(response.status == .ok)
            #expect(response.body.readableBytes == 0)  // nothing inside the webhook response (B.2)
            let sent = await fake.waitFor("sendMessage")
            #expect(sent.count == 1)
            #expect(sent.first?.chatID == 5_123_456_789)
            #expect(sent.first?.text?.contains(ReplyCatalog.text(.disclaimer, .en)) == true)
            // At start the bot learned its name and registered its command menu.
            #expect(await fake.waitFor("getMe").count == 1)
            #expect(await fake.waitFor("setMyCommands", count: 2).count == 2)
        }
    }

    @Test func commandsAnswerInTheUsersLanguage() async throws {
        try await withServer { (client, fake, _) async throws in
            #expect(try await client.postUpdate(try TelegramFixtures.bytes("private-start-command")).status == .ok)
            let sent = try #require(await fake.waitFor("sendMessage").first)
            #expect(sent.text?.hasPrefix(ReplyCatalog.text(.welcome, .en)) == true)
        }
    }

    @Test func theSecretTokenIsRequired() async throws {
        try await withServer { (client, fake, context) async throws in
            let body = try TelegramFixtures.bytes("b10-1-private-text")
            #expect(try await client.postUpdate(body, secret: nil).status == .forbidden)
            #expect(try await client.postUpdate(body, secret: "wrong").status == .forbidden)
            #expect(try await client.postUpdate(body, secret: String(TelegramServerHarness.secret.dropLast()) + "X").status == .forbidden)
            #expect(try await client.postUpdate(body, secret: TelegramServerHarness.secret + "X").status == .forbidden)
            #expect(context.inbox.stats().pending == 0)
            #expect(fake.calls("sendMessage").isEmpty)
        }
    }

    @Test func badInputGetsTheRightStatus() async throws {
        try await withServer { (client, fake, context) async throws in
            func status(_ body: [UInt8], contentType: String = "application/json") async throws -> HTTPResponse.Status {
                try await client.postUpdate(body, contentType: contentType).status
            }
            func status(_ json: String) async throws -> HTTPResponse.Status { try await status(Array(json.utf8)) }

            let malformed = try await status("{\"update_id\": 1, ")
            #expect(malformed == .badRequest)
            let notAnObject = try await status("[1, 2, 3]")
            #expect(notAnObject == .badRequest)
            let noID = try await status(#"{"message": {"text": "no id"}}"#)
            #expect(noID == .badRequest)
            let stringID = try await status(#"{"update_id": "734512001"}"#)
            #expect(stringID == .badRequest)
            let zeroID = try await status(#"{"update_id": 0, "message": {}}"#)
            #expect(zeroID == .badRequest)
            let negativeID = try await status(#"{"update_id": -5, "message": {}}"#)
            #expect(negativeID == .badRequest)
            let invalidUTF8 = try await status([0x7B, 0x22, 0xC3, 0x28, 0x22, 0x3A, 0x31, 0x7D])
            #expect(invalidUTF8 == .badRequest)
            let form = try await status(Array("update_id=1".utf8), contentType: "application/x-www-form-urlencoded")
            #expect(form == .unsupportedMediaType)
            // Valid updates Telegram must stop re-sending: acknowledged, not answered.
            let ignored = ["unknown-update-type", "callback-query", "channel-post", "group-chatter", "group-command-other-bot", "group-mention", "from-bot", "edited-message-group", "group-new-members"]
            for name in ignored {
                let code = try await status(try TelegramFixtures.bytes(name))
                #expect(code == .ok, "\(name)")
            }
            let emptyUpdate = try await status(#"{"update_id": 9}"#)
            #expect(emptyUpdate == .ok)
            let zeroChat = try await status(#"{"update_id": 10, "message": {"message_id": 1, "date": 1, "chat": {"id": 0, "type": "private"}, "from": {"id": 0}, "text": "hi"}}"#)
            #expect(zeroChat == .ok)
            let negativeIDs = try await status(#"{"update_id": 11, "message": {"message_id": -1, "date": 1, "chat": {"id": -5, "type": "private"}, "from": {"id": -5}, "text": "hi"}}"#)
            #expect(negativeIDs == .ok)
            #expect(context.inbox.stats().pending == 0)
            // A marker from a real user: once it is answered, nothing else was.
            let marker = try await status(TelegramFixtures.privateText(updateID: 12, user: 42, text: "marker"))
            #expect(marker == .ok)
            await fake.waitFor("sendMessage")
            #expect(fake.sentMessages().map(\.chatID) == [42])
        }
    }

    @Test func bodiesOverOneMebibyteAreRefused() async throws {
        try await withServer { (client, fake, _) async throws in
            let limit = 1 << 20
            let big = TelegramFixtures.privateText(updateID: 20, user: 42, text: String(repeating: "a", count: limit))
            #expect(try await client.postUpdate(big).status == .contentTooLarge)
            // Just under the limit is accepted (padding with JSON whitespace).
            var fitting = Array(TelegramFixtures.privateText(updateID: 21, user: 42, text: "still fine").utf8)
            fitting += Array(repeating: UInt8(ascii: " "), count: limit - fitting.count)
            #expect(fitting.count == limit)
            #expect(try await client.postUpdate(fitting).status == .ok)
            await fake.waitFor("sendMessage")
        }
    }

    @Test func aReplayedUpdateIsAnsweredOnce() async throws {
        try await withServer { (client, fake, _) async throws in
            let body = try TelegramFixtures.bytes("private-chinese-text")
            for _ in 0..<3 { #expect(try await client.postUpdate(body).status == .ok) }
            await fake.waitFor("sendMessage")
            // Same user, so per-user order means the replays were handled before this marker.
            #expect(try await client.postUpdate(TelegramFixtures.privateText(updateID: 734_512_099, user: 5_200_000_002, text: "谢谢")).status == .ok)
            await fake.waitFor("sendMessage", count: 2)
            #expect(fake.sentMessages().count == 2)
        }
    }

    @Test func invalidSurrogatesAndTenThousandEmojiAreAnswered() async throws {
        try await withServer { (client, fake, _) async throws in
            let lone = #"{"update_id": 30, "message": {"message_id": 3, "date": 1, "from": {"id": 43, "language_code": "en"}, "chat": {"id": 43, "type": "private"}, "text": "I feel \ud800 strange"}}"#
            #expect(try await client.postUpdate(lone).status == .ok)
            let emoji = TelegramFixtures.privateText(updateID: 31, user: 44, text: String(repeating: "😭", count: 10_000), language: "en")
            #expect(try await client.postUpdate(emoji).status == .ok)
            let sent = await fake.waitFor("sendMessage", count: 2)
            #expect(Set(sent.compactMap(\.chatID)) == [43, 44])
            let emojiReply = try #require(sent.first { $0.chatID == 44 }?.text)
            #expect(emojiReply.hasPrefix(ReplyCatalog.text(.tooLong(limit: 2000), .en)))
        }
    }

    @Test func mediaAndEditsGetPoliteFixedReplies() async throws {
        try await withServer { (client, fake, _) async throws in
            #expect(try await client.postUpdate(try TelegramFixtures.bytes("b10-4-photo")).status == .ok)
            #expect(try await client.postUpdate(try TelegramFixtures.bytes("voice")).status == .ok)
            #expect(try await client.postUpdate(try TelegramFixtures.bytes("edited-message")).status == .ok)
            let sent = await fake.waitFor("sendMessage", count: 3)
            let texts = Dictionary(sent.map { ($0.chatID ?? 0, $0.text ?? "") }, uniquingKeysWith: { a, _ in a })
            #expect(texts[5_123_456_789]?.hasPrefix(ReplyCatalog.text(.textOnly, .zh)) == true)
            #expect(texts[5_200_000_001]?.hasPrefix(ReplyCatalog.text(.textOnly, .en)) == true)
            #expect(texts[5_200_000_002]?.hasPrefix(ReplyCatalog.text(.editedIgnored, .zh)) == true)
        }
    }

    @Test func groupsAnswerOnlyWhatIsAddressedToTheBot() async throws {
        try await withServer { (client, fake, _) async throws in
            await fake.waitFor("getMe")  // the username is learned at start
            for name in ["group-chatter", "group-command-other-bot", "group-mention", "b10-2-group-command", "b10-3-reply-to-bot"] {
                #expect(try await client.postUpdate(try TelegramFixtures.bytes(name)).status == .ok)
            }
            let sent = await fake.waitFor("sendMessage", count: 2)
            #expect(sent.count == 2)
            let quoted = sent.compactMap { ($0.json["reply_parameters"] as? [String: Any])?["message_id"] as? Int64 }
            #expect(Set(quoted) == [2048, 2049])
            #expect(sent.allSatisfy { $0.chatID == -1_001_987_654_321 })
        }
    }

    @Test func mentionsAreAnsweredWhenPrivacyModeIsOff() async throws {
        try await withServer(configure: { $0.telegram.privacyMode = false; $0.telegram.username = "example_helper_bot" }) { (client, fake, _) async throws in
            #expect(try await client.postUpdate(try TelegramFixtures.bytes("group-mention")).status == .ok)
            let sent = try #require(await fake.waitFor("sendMessage").first)
            #expect((sent.json["reply_parameters"] as? [String: Any])?["message_id"] as? Int64 == 2053)
        }
    }

    @Test func theWebhookPathMayNameTheBot() async throws {
        try await withServer(configure: { $0.telegram.username = "example_helper_bot" }) { (client, fake, _) async throws in
            let body = try TelegramFixtures.bytes("b10-1-private-text")
            #expect(try await client.postUpdate(body, path: "/telegram/webhook/example_helper_bot").status == .ok)
            #expect(try await client.postUpdate(body, path: "/telegram/webhook/7000000002").status == .ok)
            #expect(try await client.postUpdate(body, path: "/telegram/webhook/other_bot").status == .notFound)
            await fake.waitFor("sendMessage")
        }
    }

    @Test func blockedUsersAreRecordedAndNotRetried() async throws {
        try await withServer { (client, fake, context) async throws in
            fake.block(chat: 5_200_000_001)
            #expect(try await client.postUpdate(try TelegramFixtures.bytes("private-start-command")).status == .ok)
            await fake.waitFor("sendMessage", where: { $0.status == 403 })
            #expect(try await client.postUpdate(try TelegramFixtures.bytes("my-chat-member-blocked")).status == .ok)
            #expect(await context.telegram.chats.blockedSince(5_200_000_001) != nil)
            #expect(try await client.postUpdate(try TelegramFixtures.bytes("my-chat-member-unblocked")).status == .ok)
            #expect(await context.telegram.chats.blockedSince(5_200_000_001) == nil)
            #expect(fake.calls("sendMessage").count == 1)
            // Nothing of the user's identity is written in clear to the chat state file.
            let state = try String(contentsOfFile: context.telegramStatePath, encoding: .utf8)
            #expect(!state.contains("5200000001"))
        }
    }

    @Test func typingIsShownWhileTheModelWorks() async throws {
        let slow = SlowModel(delay: .milliseconds(600))
        try await withServer(model: slow) { (client, fake, _) async throws in
            #expect(try await client.postUpdate(try TelegramFixtures.bytes("private-chinese-text")).status == .ok)
            let sent = try #require(await fake.waitFor("sendMessage").first)
            let typing = try #require(fake.calls("sendChatAction").first)
            #expect(typing.chatID == 5_200_000_002)
            #expect(typing.at < sent.at)
        }
    }
}

/// A model that takes its time, then answers.
struct SlowModel: CompletionModel {
    let name = "slow"
    let delay: Duration

    func complete(_ request: CompletionRequest) async throws -> Completion {
        try await Task.sleep(for: delay)
        return Completion(text: "慢慢来，我在听。", model: name, origin: .primary)
    }
}

extension TelegramServerHarness.Context {
    var telegramStatePath: String {
        (telegram.chats as? TelegramChatStateFile)?.path ?? ""
    }
}
