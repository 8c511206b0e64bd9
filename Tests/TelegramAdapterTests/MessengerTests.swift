import ChatCore
import Foundation
import Testing
@testable import TelegramAdapter
import TelegramBotAPIFake

/// Delivery through the strict fake: splitting and order (B.6), groups reply to the message,
/// migration (B.1), blocked users (B.1 403), markup fallback (B.7), typing (B.8).
@Suite struct MessengerTests {
    static func messenger(_ api: TelegramBotAPI, _ sleeps: SleepRecorder, parseMode: TelegramParseMode = .plain, chats: any TelegramChatRegistry = InMemoryTelegramChatRegistry()) -> TelegramMessenger {
        TelegramMessenger(
            api: api, formatter: TelegramFormatter(parseMode: parseMode), pacer: TelegramPacer(limits: .unlimited), chats: chats,
            options: .init(typingInterval: .seconds(4), typingDelay: .zero), sleep: { try await sleeps.sleep($0) }
        )
    }

    static func inbound(chat: Int64, type: String = "private", messageID: Int64 = 17, receivedAt: Date = Date()) -> InboundMessage {
        InboundMessage(
            channel: .telegram, userKey: "telegram:7000000002:\(chat)", chatKey: String(chat), platformMessageID: "7000000002:1",
            text: "hi", receivedAt: receivedAt,
            routing: [TelegramRouting.chatType: type, TelegramRouting.messageID: String(messageID)]
        )
    }

    @Test func privateRepliesAreSplitAndSentInOrder() async throws {
        try await BotAPIHarness.run { fake, api, sleeps in
            let body = (1...3).map { String(repeating: "第\($0)段。", count: 900) }.joined(separator: "\n\n")
            try await Self.messenger(api, sleeps).deliver(Reply(body: body, source: .model, disclaimer: "提示"), for: Self.inbound(chat: 5))
            let sent = fake.sentMessages().map(\.json)
            #expect(sent.count == 3)
            #expect(sent.map { ($0["text"] as? String)?.hasPrefix("第\(1)") } == [true, false, false])
            #expect((sent[1]["text"] as? String)?.hasPrefix("第2段") == true)
            #expect((sent[2]["text"] as? String)?.hasSuffix("提示") == true)
            #expect(sent.allSatisfy { $0["chat_id"] as? Int64 == 5 && $0["reply_parameters"] == nil })
        }
    }

    @Test func groupRepliesQuoteTheUsersMessageOnce() async throws {
        try await BotAPIHarness.run { fake, api, sleeps in
            try await Self.messenger(api, sleeps).deliver(Reply(body: String(repeating: "a", count: 5000), source: .model), for: Self.inbound(chat: -100_555, type: "supergroup", messageID: 2048))
            let sent = fake.sentMessages().map(\.json)
            #expect(sent.count == 2)
            #expect((sent[0]["reply_parameters"] as? [String: Any])?["message_id"] as? Int64 == 2048)
            #expect(sent[1]["reply_parameters"] == nil)
        }
    }

    @Test func followsAMigratedGroupAndRemembersIt() async throws {
        try await BotAPIHarness.run { fake, api, sleeps in
            let chats = InMemoryTelegramChatRegistry()
            let messenger = Self.messenger(api, sleeps, chats: chats)
            fake.migrate(chat: -4_012_345_678, to: -1_004_012_345_678)
            try await messenger.deliver(Reply(body: "one", source: .model), for: Self.inbound(chat: -4_012_345_678, type: "group"))
            #expect(fake.calls("sendMessage").compactMap { $0.json["chat_id"] as? Int64 } == [-4_012_345_678, -1_004_012_345_678])
            #expect(await chats.currentChatID(for: -4_012_345_678) == -1_004_012_345_678)
            try await messenger.deliver(Reply(body: "two", source: .model), for: Self.inbound(chat: -4_012_345_678, type: "group"))
            #expect(fake.calls("sendMessage").count == 3)  // straight to the supergroup
        }
    }

    @Test func aBlockedUserIsRecordedAndNotRetried() async throws {
        try await BotAPIHarness.run { fake, api, sleeps in
            let chats = InMemoryTelegramChatRegistry()
            let messenger = Self.messenger(api, sleeps, chats: chats)
            fake.block(chat: 77)
            let earlier = Self.inbound(chat: 77, receivedAt: Date(timeIntervalSinceNow: -10))
            await #expect(throws: DeliveryError.permanent(reason: "forbidden")) {
                try await messenger.deliver(Reply(body: "hello", source: .model), for: earlier)
            }
            #expect(fake.calls("sendMessage").count == 1)
            #expect(sleeps.recorded.isEmpty)
            #expect(await chats.blockedSince(77) != nil)
            // Another reply to a message from before the block is not even attempted.
            await #expect(throws: DeliveryError.permanent(reason: "blocked")) {
                try await messenger.deliver(Reply(body: "again", source: .model), for: earlier)
            }
            #expect(fake.calls("sendMessage").count == 1)
            // A message received after the block shows the user is back: try again.
            fake.unblock(chat: 77)
            try await messenger.deliver(Reply(body: "welcome back", source: .model), for: Self.inbound(chat: 77, receivedAt: Date(timeIntervalSinceNow: 5)))
            #expect(fake.sentMessages().count == 1)
        }
    }

    @Test func rejectedMarkupIsResentAsPlainText() async throws {
        try await BotAPIHarness.run { fake, api, sleeps in
            fake.script("sendMessage", [.failure(status: 400, description: "Bad Request: can't parse entities: Unsupported start tag \"x\"")])
            try await Self.messenger(api, sleeps, parseMode: .html).deliver(
                Reply(body: "a < b", source: .model, disclaimer: "note"), for: Self.inbound(chat: 5)
            )
            let calls = fake.calls("sendMessage").map(\.json)
            #expect(calls.count == 2)
            #expect(calls[0]["parse_mode"] as? String == "HTML")
            #expect(calls[0]["text"] as? String == "a &lt; b\n\n<i>note</i>")
            #expect(calls[1]["parse_mode"] == nil)
            #expect(calls[1]["text"] as? String == "a < b\n\nnote")
        }
    }

    @Test func floodAndServerErrorsAreRetriedThenReported() async throws {
        try await BotAPIHarness.run { fake, api, sleeps in
            fake.script("sendMessage", [.tooManyRequests(retryAfter: 2), .serverError])
            try await Self.messenger(api, sleeps).deliver(Reply(body: "ok", source: .model), for: Self.inbound(chat: 5))
            #expect(fake.calls("sendMessage").map(\.status) == [429, 500, 200])
            #expect(sleeps.recorded.first == .seconds(2))
            fake.script("sendMessage", Array(repeating: .serverError, count: 4))
            await #expect(throws: DeliveryError.exhausted(reason: "server_error_500")) {
                try await Self.messenger(api, sleeps).deliver(Reply(body: "ok", source: .model), for: Self.inbound(chat: 5))
            }
        }
    }

    @Test func nothingIsSentForSilentReplies() async throws {
        try await BotAPIHarness.run { fake, api, sleeps in
            try await Self.messenger(api, sleeps).deliver(Reply(body: "", source: .fixed, deliver: false), for: Self.inbound(chat: 5))
            #expect(fake.calls().isEmpty)
        }
    }

    @Test func typingIndicator() async throws {
        try await BotAPIHarness.run { fake, api, sleeps in
            let messenger = Self.messenger(api, sleeps)
            #expect(messenger.typingInterval == .seconds(4))
            await messenger.indicateTyping(for: Self.inbound(chat: -100_777, type: "supergroup"))
            let call = try #require(fake.calls("sendChatAction").first?.json)
            #expect(call["chat_id"] as? Int64 == -100_777)
            #expect(call["action"] as? String == "typing")
        }
    }
}
