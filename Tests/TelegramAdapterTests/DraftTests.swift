import ChatCore
import Foundation
import Testing
@testable import TelegramAdapter
import TelegramBotAPIFake

/// `sendMessageDraft` (docs/protocols.md B.11) through the strict fake: the wire format, private
/// chats only, one draft id per answer, paced to one draft per interval.
@Suite struct DraftTests {
    @Test func theMethodsWireFormatAndItsRefusals() async throws {
        try await BotAPIHarness.run { fake, api, _ in
            // A generous timeout: the method's short default is for live drafts, not a busy test pool.
            try await api.sendMessageDraft(chatID: 5, draftID: 42, text: "先试试固定起床时间。", timeout: .seconds(30))
            let call = try #require(fake.calls("sendMessageDraft").first)
            #expect(call.status == 200)
            #expect(call.json["chat_id"] as? Int64 == 5 && call.json["draft_id"] as? Int64 == 42)
            #expect(call.json["text"] as? String == "先试试固定起床时间。")
            #expect(call.json["parse_mode"] == nil)
            await #expect(throws: TelegramAPIError.self) { try await api.sendMessageDraft(chatID: -100_555, draftID: 1, text: "组里不行", timeout: .seconds(30)) }
            await #expect(throws: TelegramAPIError.self) { try await api.sendMessageDraft(chatID: 5, draftID: 0, text: "零不行", timeout: .seconds(30)) }
            #expect(fake.calls("sendMessageDraft").map(\.status) == [200, 400, 400])
        }
    }

    @Test func privateChatsGetAPacedSinkGroupsNone() async throws {
        try await BotAPIHarness.run { fake, api, sleeps in
            let messenger = TelegramMessenger(
                api: api, formatter: TelegramFormatter(parseMode: .html), pacer: TelegramPacer(limits: .unlimited),
                chats: InMemoryTelegramChatRegistry(), options: .init(draftInterval: .milliseconds(1500)), sleep: { try await sleeps.sleep($0) }
            )
            #expect(messenger.draftSink(for: MessengerTests.inbound(chat: -100_555, type: "supergroup")) == nil)
            let sink = try #require(messenger.draftSink(for: MessengerTests.inbound(chat: 5, messageID: 17)))
            await sink("第一句。")
            await sink("第一句。第二句。")
            let drafts = fake.calls("sendMessageDraft")
            #expect(drafts.map { $0.json["text"] as? String } == ["第一句。", "第一句。第二句。"])
            // One draft id for the answer, so Telegram animates the change.
            #expect(drafts.map { $0.json["draft_id"] as? Int64 } == [18, 18])
            // Drafts are plain text even when replies use HTML: a cut answer need not be valid markup.
            #expect(drafts.allSatisfy { $0.json["parse_mode"] == nil })
            // Each draft is followed by the pacing wait, so the next one is at most one per interval.
            #expect(sleeps.recorded == [.milliseconds(1500), .milliseconds(1500)])
        }
    }
}
