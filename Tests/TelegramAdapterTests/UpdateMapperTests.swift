import ChatCore
import Foundation
import Testing
@testable import TelegramAdapter

/// Mapping Updates to messages and group filtering: docs/protocols.md B.4, B.5 (commands, privacy
/// mode, mentions), B.10.
@Suite struct UpdateMapperTests {
    let now = Date(timeIntervalSince1970: 1_718_003_999)
    let mapper = TelegramUpdateMapper(identity: Fixtures.bot)

    func map(_ fixture: String, mapper: TelegramUpdateMapper? = nil) throws -> TelegramUpdateDisposition {
        (mapper ?? self.mapper).map(try Fixtures.update(fixture), receivedAt: now)
    }

    func submitted(_ fixture: String, mapper: TelegramUpdateMapper? = nil) throws -> InboundMessage {
        guard case .submit(let message) = try map(fixture, mapper: mapper) else {
            throw MapperTestFailure.notSubmitted(fixture)
        }
        return message
    }

    enum MapperTestFailure: Error { case notSubmitted(String) }

    @Test func privateTextB10_1() throws {
        let message = try submitted("b10-1-private-text")
        #expect(message.channel == .telegram)
        #expect(message.userKey == "telegram:7000000002:5123456789")
        #expect(message.chatKey == "5123456789")
        #expect(message.platformMessageID == "7000000002:734512001")
        #expect(message.dedupeKey == "telegram:7000000002:734512001")
        #expect(message.text == "Hi! What can you do? 😀")
        #expect(message.kind == .text)
        #expect(message.languageTag == "zh-hans")
        #expect(message.receivedAt == now)
        #expect(message.routing[TelegramRouting.chatType] == "private")
        #expect(message.routing[TelegramRouting.messageID] == "17")
        #expect(message.routing[TelegramRouting.threadID] == nil)
    }

    @Test func groupCommandForUsB10_2() throws {
        let message = try submitted("b10-2-group-command")
        #expect(message.text == "/ask how do I escape dots in MarkdownV2?")
        // Group sessions are per chat and user, apart from the private session.
        #expect(message.userKey == "telegram:7000000002:-1001987654321:5123456789")
        #expect(message.chatKey == "-1001987654321")
        #expect(message.languageTag == "en")
        #expect(message.language == .en)
        #expect(message.routing[TelegramRouting.chatType] == "supergroup")
        #expect(message.routing[TelegramRouting.messageID] == "2048")
        #expect(Command.parse(message.text) == .unknown)
    }

    @Test func replyToTheBotB10_3() throws {
        let message = try submitted("b10-3-reply-to-bot")
        #expect(message.text == "summarise this thread please")
        #expect(message.userKey == "telegram:7000000002:-1001987654321:6000000001")
    }

    @Test func photoGetsTheTextOnlyReplyB10_4() throws {
        let message = try submitted("b10-4-photo")
        #expect(message.kind == .unsupported("photo"))
        #expect(message.text == "")
    }

    @Test(arguments: [("sticker", "sticker"), ("voice", "voice"), ("document-with-caption", "document")])
    func mediaIsUnsupported(fixture: String, media: String) throws {
        let message = try submitted(fixture)
        #expect(message.kind == .unsupported(media))
        #expect(message.text == "")  // captions of media are not kept
    }

    @Test func groupFiltering() throws {
        #expect(try map("group-chatter") == .ignore(.notAddressed))
        #expect(try map("group-command-other-bot") == .ignore(.otherBot))
        #expect(try map("group-mention") == .ignore(.mentionIgnored))
        #expect(try map("group-new-members") == .ignore(.notAddressed))
        #expect(try map("from-bot") == .ignore(.fromBot))
        #expect(try map("edited-message-group") == .ignore(.editedInGroup))
        #expect(try submitted("group-help-no-suffix").text == "/help")
    }

    @Test func mentionsCountWhenPrivacyModeIsOff() throws {
        let open = TelegramUpdateMapper(identity: Fixtures.bot, respondToMentions: true)
        let message = try submitted("group-mention", mapper: open)
        #expect(message.text == "考试前总是很焦虑怎么办")  // username matched case-insensitively, mention stripped
        #expect(try map("group-chatter", mapper: open) == .ignore(.notAddressed))
    }

    @Test func textMentionOfTheBotCounts() {
        let open = TelegramUpdateMapper(identity: Fixtures.bot, respondToMentions: true)
        let text = "Helper, are you there?"
        let update = TelegramUpdate(updateID: 50, payload: .message(TelegramMessage(
            messageID: 9, from: TelegramUser(id: 61), chat: TelegramChat(id: -77, kind: .group), date: 1, text: text,
            entities: [TelegramMessageEntity(type: "text_mention", offset: 0, length: 6, user: TelegramUser(id: 7_000_000_002, isBot: true))]
        )))
        guard case .submit(let message) = open.map(update, receivedAt: now) else {
            Issue.record("expected the text mention to address the bot")
            return
        }
        #expect(message.text == "are you there?")
    }

    @Test func unsuffixedCommandsOfOtherBotsAreIgnoredInGroups() {
        let update = TelegramUpdate(updateID: 51, payload: .message(TelegramMessage(
            messageID: 9, from: TelegramUser(id: 61), chat: TelegramChat(id: -77, kind: .group), date: 1, text: "/ban Bob",
            entities: [TelegramMessageEntity(type: "bot_command", offset: 0, length: 4)]
        )))
        #expect(mapper.map(update, receivedAt: now) == .ignore(.notAddressed))
    }

    @Test func withoutAUsernameOnlyRepliesAndPlainCommandsAreRecognised() throws {
        let anonymous = TelegramUpdateMapper(identity: TelegramBotIdentity(id: 7_000_000_002))
        #expect(try map("b10-2-group-command", mapper: anonymous) == .ignore(.otherBot))
        #expect(try submitted("b10-3-reply-to-bot", mapper: anonymous).text == "@example_helper_bot summarise this thread please")
        #expect(try submitted("group-help-no-suffix", mapper: anonymous).text == "/help")
    }

    @Test func forumTopicsKeepTheirThread() throws {
        let message = try submitted("forum-topic-command")
        #expect(message.text == "/reset")
        #expect(message.routing[TelegramRouting.threadID] == "3000")
    }

    @Test func privateCommandsLoseTheirSuffix() throws {
        #expect(try submitted("private-start-command").text == "/start")
        let update = TelegramUpdate(updateID: 52, payload: .message(TelegramMessage(
            messageID: 3, from: TelegramUser(id: 61), chat: TelegramChat(id: 61, kind: .private), date: 1, text: "/forget@Example_Helper_Bot please"
        )))
        guard case .submit(let message) = mapper.map(update, receivedAt: now) else {
            Issue.record("expected a submission")
            return
        }
        #expect(message.text == "/forget please")
        #expect(Command.parse(message.text) == .command(.forget))
    }

    @Test func editedPrivateMessagesGetThePoliteReplyWithoutStoringTheirText() throws {
        let message = try submitted("edited-message")
        #expect(message.kind == .edited)
        #expect(message.text == "")
    }

    @Test func membershipChanges() throws {
        #expect(try map("my-chat-member-blocked") == .membership(TelegramMembershipChange(chatID: 5_200_000_001, blocked: true, at: now)))
        #expect(try map("my-chat-member-unblocked") == .membership(TelegramMembershipChange(chatID: 5_200_000_001, blocked: false, at: now)))
    }

    @Test func updatesWeDoNotHandle() throws {
        #expect(try map("unknown-update-type") == .ignore(.unhandledUpdate))
        #expect(try map("callback-query") == .ignore(.unhandledUpdate))
        #expect(try map("channel-post") == .ignore(.unhandledUpdate))
        #expect(mapper.map(TelegramUpdate(updateID: 1, payload: .empty), receivedAt: now) == .ignore(.emptyUpdate))
        #expect(mapper.map(TelegramUpdate(updateID: 1, payload: .malformed("message")), receivedAt: now) == .ignore(.malformedPayload))
    }

    @Test(arguments: [
        (Int64(0), Int64(5), Int64(5), TelegramChat.Kind.private),   // sender id zero
        (Int64(-5), Int64(-5), Int64(5), TelegramChat.Kind.private), // negative sender
        (Int64(5), Int64(-5), Int64(5), TelegramChat.Kind.private),  // private chat with a negative id
        (Int64(5), Int64(0), Int64(5), TelegramChat.Kind.group),     // chat id zero
        (Int64(5), Int64(5), Int64(0), TelegramChat.Kind.private),   // message id zero
        (Int64(5), Int64(5), Int64(-3), TelegramChat.Kind.private),  // negative message id
    ])
    func invalidIdentifiersAreIgnored(sender: Int64, chat: Int64, messageID: Int64, kind: TelegramChat.Kind) {
        let update = TelegramUpdate(updateID: 60, payload: .message(TelegramMessage(
            messageID: messageID, from: TelegramUser(id: sender), chat: TelegramChat(id: chat, kind: kind), date: 1, text: "/help"
        )))
        #expect(mapper.map(update, receivedAt: now) == .ignore(.invalidIdentifiers))
    }

    @Test func channelsAndServiceMessages() {
        let channel = TelegramUpdate(updateID: 61, payload: .message(TelegramMessage(
            messageID: 1, from: TelegramUser(id: 5), chat: TelegramChat(id: -100, kind: .channel), date: 1, text: "x"
        )))
        #expect(mapper.map(channel, receivedAt: now) == .ignore(.channel))
        let service = TelegramUpdate(updateID: 62, payload: .message(TelegramMessage(
            messageID: 1, from: TelegramUser(id: 5), chat: TelegramChat(id: 5, kind: .private), date: 1, text: nil, isService: true
        )))
        #expect(mapper.map(service, receivedAt: now) == .ignore(.serviceMessage))
        let nothing = TelegramUpdate(updateID: 63, payload: .message(TelegramMessage(
            messageID: 1, from: TelegramUser(id: 5), chat: TelegramChat(id: 5, kind: .private), date: 1, text: nil
        )))
        guard case .submit(let message) = mapper.map(nothing, receivedAt: now) else {
            Issue.record("a private message of an unknown kind still gets the text-only reply")
            return
        }
        #expect(message.kind == .unsupported("other"))
    }

    @Test func commandParsing() {
        let c = TelegramBotCommand.leading(in: "/Help@Example_Helper_Bot now please")
        #expect(c == TelegramBotCommand(name: "help", target: "Example_Helper_Bot", normalizedText: "/Help now please"))
        #expect(TelegramBotCommand.leading(in: "/start")?.target == nil)
        #expect(TelegramBotCommand.leading(in: "/ 我很好") == nil)
        #expect(TelegramBotCommand.leading(in: "/a@") == nil)
        #expect(TelegramBotCommand.leading(in: "/" + String(repeating: "a", count: 33)) == nil)
        #expect(TelegramBotCommand.leading(in: "/" + String(repeating: "a", count: 32))?.name.count == 32)
        #expect(TelegramBotCommand.leading(in: "/帮助") == nil)
        #expect(TelegramBotCommand.leading(in: "hello /start") == nil)
        // The bot_command entity decides where the command ends (B.5).
        let entity = TelegramMessageEntity(type: "bot_command", offset: 0, length: 5)
        #expect(TelegramBotCommand.leading(in: "/help,thanks", entities: [entity])?.normalizedText == "/help,thanks")
        #expect(Fixtures.bot.isNamed("@EXAMPLE_helper_bot"))
        #expect(!Fixtures.bot.isNamed("example_helper"))
        #expect(TelegramBotIdentity(id: 1, username: "@name_bot").username == "name_bot")
        #expect(TelegramBotIdentity(id: 1, username: " ").username == nil)
    }
}
