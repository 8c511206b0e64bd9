import Foundation
import Testing
@testable import TelegramAdapter

/// Decoding of Updates: docs/protocols.md B.4 (lenient, Int64 ids), B.5 (entities in UTF-16), and the
/// four validated examples of B.10.
@Suite struct UpdateDecodingTests {
    @Test func privateTextB10_1() throws {
        let update = try Fixtures.update("b10-1-private-text")
        #expect(update.updateID == 734_512_001)
        let message = try #require(try Fixtures.message("b10-1-private-text"))
        #expect(message.messageID == 17)
        #expect(message.chat == TelegramChat(id: 5_123_456_789, kind: .private))
        #expect(message.from?.id == 5_123_456_789)
        #expect(message.from?.languageCode == "zh-hans")
        #expect(message.from?.isBot == false)
        let text = try #require(message.text)
        #expect(text == "Hi! What can you do? 😀")
        // B.10: Python len 22, UTF-16 length 23 (the emoji is astral).
        #expect(text.unicodeScalars.count == 22)
        #expect(text.utf16.count == 23)
        #expect(message.media == nil)
    }

    @Test func groupCommandB10_2() throws {
        let message = try #require(try Fixtures.message("b10-2-group-command"))
        #expect(message.chat.id == -1_001_987_654_321)
        #expect(message.chat.kind == .supergroup)
        #expect(message.chat.isGroup)
        let entity = try #require(message.entities.first)
        #expect(entity.type == "bot_command")
        #expect(entity.text(in: message.text ?? "") == "/ask@example_helper_bot")
    }

    @Test func mentionAndReplyToBotB10_3() throws {
        let message = try #require(try Fixtures.message("b10-3-reply-to-bot"))
        #expect(message.entities.first?.text(in: message.text ?? "") == "@example_helper_bot")
        #expect(message.replyTo?.messageID == 2040)
        #expect(message.replyTo?.from?.id == 7_000_000_002)
        #expect(message.replyTo?.from?.isBot == true)
        #expect(message.from?.languageCode == nil)
    }

    @Test func photoWithoutCaptionB10_4() throws {
        let message = try #require(try Fixtures.message("b10-4-photo"))
        #expect(message.text == nil)
        #expect(message.media == "photo")
    }

    @Test(arguments: [("sticker", "sticker"), ("voice", "voice"), ("document-with-caption", "document")])
    func mediaMessages(fixture: String, media: String) throws {
        let message = try #require(try Fixtures.message(fixture))
        #expect(message.media == media)
    }

    @Test func editedMessage() throws {
        guard case .editedMessage(let message) = try Fixtures.update("edited-message").payload else {
            Issue.record("expected an edited message")
            return
        }
        #expect(message.messageID == 31)
    }

    @Test func myChatMember() throws {
        guard case .myChatMember(let change) = try Fixtures.update("my-chat-member-blocked").payload else {
            Issue.record("expected my_chat_member")
            return
        }
        #expect(change.chat.id == 5_200_000_001)
        #expect(change.oldStatus == "member")
        #expect(change.newStatus == "kicked")
    }

    @Test func unknownAndUnhandledUpdateTypesAreKeptByName() throws {
        #expect(try Fixtures.update("unknown-update-type").payload == .other("guest_message"))
        #expect(try Fixtures.update("callback-query").payload == .other("callback_query"))
        #expect(try Fixtures.update("channel-post").payload == .other("channel_post"))
        #expect(try TelegramUpdateDecoder.decode(Array(#"{"update_id": 9}"#.utf8)).payload == .empty)
        let odd = try TelegramUpdateDecoder.decode(Array(#"{"update_id": 9, "Weird Key!": 1}"#.utf8))
        #expect(odd.payload == .other("unknown"))
    }

    @Test func malformedKnownPayloadIsNamedNotFatal() throws {
        let noChat = #"{"update_id": 10, "message": {"message_id": 1, "date": 1, "text": "hi"}}"#
        #expect(try TelegramUpdateDecoder.decode(Array(noChat.utf8)).payload == .malformed("message"))
        let stringID = #"{"update_id": 11, "message": {"message_id": "1", "chat": {"id": 1, "type": "private"}}}"#
        #expect(try TelegramUpdateDecoder.decode(Array(stringID.utf8)).payload == .malformed("message"))
    }

    @Test func oddOptionalFieldsAreDroppedNotFatal() throws {
        let json = #"""
        {"update_id": 12, "message": {"message_id": 5, "date": 1, "chat": {"id": 42, "type": "private"},
         "from": {"id": 42, "first_name": "X", "language_code": 7, "brand_new_field": {"a": 1}},
         "text": "hello", "entities": [{"type": "bold", "offset": 0}, {"type": "bold", "offset": 0, "length": 2}],
         "reply_to_message": "not an object"}}
        """#
        let update = try TelegramUpdateDecoder.decode(Array(json.utf8))
        guard case .message(let message) = update.payload else {
            Issue.record("expected a message")
            return
        }
        #expect(message.text == "hello")
        #expect(message.from?.id == 42)
        #expect(message.from?.languageCode == nil)
        #expect(message.entities == [TelegramMessageEntity(type: "bold", offset: 0, length: 2)])
        #expect(message.replyTo == nil)
    }

    @Test func idsAreInt64() throws {
        let json = #"{"update_id": 9007199254740993, "message": {"message_id": 9007199254740993, "date": 1, "chat": {"id": -1009007199254740993, "type": "supergroup"}, "from": {"id": 9007199254740993}, "text": "x"}}"#
        let update = try TelegramUpdateDecoder.decode(Array(json.utf8))
        #expect(update.updateID == 9_007_199_254_740_993)  // above 2^53: would be corrupted by Double
        guard case .message(let message) = update.payload else {
            Issue.record("expected a message")
            return
        }
        #expect(message.chat.id == -1_009_007_199_254_740_993)
    }

    @Test func badBodiesAreRejected() {
        func error(_ text: String) -> TelegramDecodingError? {
            do {
                _ = try TelegramUpdateDecoder.decode(Array(text.utf8))
                return nil
            } catch {
                return error
            }
        }
        #expect(error("{not json") == .malformedJSON)
        #expect(error("") == .malformedJSON)
        #expect(error("[]") == .missingUpdateID)
        #expect(error("42") == .missingUpdateID)
        #expect(error("{}") == .missingUpdateID)
        #expect(error(#"{"update_id": "5"}"#) == .missingUpdateID)
        #expect(error(#"{"update_id": null}"#) == .missingUpdateID)
        #expect(error(#"{"update_id": 1.5}"#) == .missingUpdateID)
        #expect(error(#"{"update_id": 99999999999999999999}"#) == .missingUpdateID)
        #expect(error(#"{"update_id": 0}"#) == .invalidUpdateID)
        #expect(error(#"{"update_id": -734512001}"#) == .invalidUpdateID)
        #expect(throws: TelegramDecodingError.invalidUTF8) {
            try TelegramUpdateDecoder.decode([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x7D])
        }
    }

    @Test func loneSurrogatesBecomeReplacementCharacters() throws {
        let json = #"{"update_id": 13, "message": {"message_id": 1, "date": 1, "chat": {"id": 7, "type": "private"}, "from": {"id": 7}, "text": "a\ud800b\udc00c\ud83d\ude00 \\ud800"}}"#
        let update = try TelegramUpdateDecoder.decode(Array(json.utf8))
        guard case .message(let message) = update.payload else {
            Issue.record("expected a message")
            return
        }
        // Lone halves → U+FFFD; the valid pair stays an emoji; an escaped backslash is not an escape.
        #expect(message.text == "a\u{FFFD}b\u{FFFD}c😀 \\ud800")
    }

    @Test func surrogateRepairLeavesValidJSONAlone() {
        #expect(JSONSurrogateRepair.repair(Array(#"{"a":"\ud83d\ude00","b":"\\ud800"}"#.utf8)) == nil)
        #expect(JSONSurrogateRepair.repair(Array(#"{"a":"\udfff"}"#.utf8)).map { String(decoding: $0, as: UTF8.self) } == #"{"a":"\ufffd"}"#)
    }

    @Test func entityTextRefusesRangesOutsideTheTextOrInsideASurrogatePair() {
        let text = "😀ab"
        #expect(TelegramMessageEntity(type: "bold", offset: 0, length: 2).text(in: text) == "😀")
        #expect(TelegramMessageEntity(type: "bold", offset: 1, length: 2).text(in: text) == nil)
        #expect(TelegramMessageEntity(type: "bold", offset: 2, length: 5).text(in: text) == nil)
        #expect(TelegramMessageEntity(type: "bold", offset: -1, length: 1).text(in: text) == nil)
    }
}
