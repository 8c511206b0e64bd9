import ChatCore
import Foundation
import Testing
@testable import WeChatAdapter

/// Decoding pushes into `WeChatPushMessage` and mapping them to the pipeline's messages.
@Suite struct PushDecodingTests {
    let mapper = WeChatMessageMapper(appID: "wx1234567890abcdef")
    let now = Date(timeIntervalSince1970: 1_760_000_000)

    func decode(_ fixture: String) throws -> WeChatPush {
        try WeChatPushMessage.decode(WeChatFields.parse(Fixtures.bytes(fixture)))
    }

    func inbound(_ fixture: String) throws -> InboundMessage? {
        if case .submit(let message) = mapper.map(try decode(fixture), receivedAt: now) { return message }
        return nil
    }

    @Test func textInBothFormatsBecomesAQuestion() throws {
        let json = try #require(try inbound("text.json"))
        #expect(json.kind == .text)
        #expect(json.text == "最近工作压力很大，晚上总是睡不着，怎么办？")
        #expect(json.channel == .wechat)
        #expect(json.chatKey == "oHeartlineTestUser_0001")
        #expect(json.userKey == "wechat:wx1234567890abcdef:oHeartlineTestUser_0001")
        #expect(json.platformMessageID == "wx1234567890abcdef:7300000000000000001")
        let xml = try #require(try inbound("text.xml"))
        #expect(xml.kind == .text)
        #expect(xml.platformMessageID == "wx1234567890abcdef:7300000000000000002")
    }

    @Test func sixtyFourBitMsgIdIsKeptExactly() throws {
        let push = try WeChatPushMessage.decode(WeChatFields.parse(Array(Vectors.wx3Message.utf8)))
        guard case .message(let m) = push else { Issue.record("not a message"); return }
        #expect(m.msgID == "6054768590064713728")  // > 2^53: a Double would round it
        #expect(m.createTime == 1_409_735_668)
    }

    @Test func stringMsgIdFromCloudDeliveries() throws {
        let message = try #require(try inbound("text-string-msgid.json"))
        #expect(message.platformMessageID == "wx1234567890abcdef:5c1e0d9a7b3f2e4d6a8b0c1d2e3f4a5b6c_1760000007")
    }

    @Test func imagesAndCardsAreUnsupported() throws {
        #expect(try inbound("image.xml")?.kind == .unsupported("image"))
        #expect(try inbound("miniprogrampage.json")?.kind == .unsupported("miniprogrampage"))
    }

    @Test func enteringTheSessionIsAGreetingDedupedBySenderAndTime() throws {
        let json = try #require(try inbound("event-tempsession.json"))
        #expect(json.kind == .greeting)
        #expect(json.platformMessageID == "wx1234567890abcdef:ev:oHeartlineTestUser_0003:1760000004")
        #expect(json.routing[WeChatMessageMapper.sessionFromKey] == "heartline-page")
        #expect(WeChatMessageMapper.sessionSource("<script>") == nil)
        #expect(WeChatMessageMapper.sessionSource(String(repeating: "a", count: 65)) == nil)
        #expect(try inbound("event-tempsession.xml")?.kind == .greeting)
    }

    @Test func otherEventsAndProbesAreOnlyAcknowledged() throws {
        #expect(mapper.map(try decode("event-debug-demo.json"), receivedAt: now) == .acknowledge(reason: "event"))
        #expect(try decode("probe.json") == .probe)
        #expect(mapper.map(.probe, receivedAt: now) == .acknowledge(reason: "probe"))
        let wx1 = try WeChatPushMessage.decode(WeChatFields.parse(Array(Vectors.wx1Message.utf8)))
        #expect(mapper.map(wx1, receivedAt: now) == .acknowledge(reason: "event"))
    }

    @Test(arguments: ["bad-msgid-float.json", "bad-msgid-float-integral.json", "bad-msgid-huge-integer.json", "bad-msgid-huge-string.json"])
    func badMsgIdsAreRefused(_ fixture: String) {
        #expect(throws: (any Error).self) { try decode(fixture) }
    }

    @Test(arguments: [
        #"{"ToUserName":"gh","FromUserName":"o1","CreateTime":1.5,"MsgType":"text","MsgId":1}"#,
        #"{"ToUserName":"gh","FromUserName":"o1","CreateTime":-1,"MsgType":"text","MsgId":1}"#,
        #"{"ToUserName":"gh","FromUserName":"o1","MsgType":"text","MsgId":1}"#,
        #"{"ToUserName":"gh","FromUserName":"o 1","CreateTime":1,"MsgType":"text","MsgId":1}"#,
        #"{"ToUserName":"gh","FromUserName":123,"CreateTime":1,"MsgType":"text","MsgId":1}"#,
        #"{"ToUserName":"gh","FromUserName":"o1","CreateTime":1,"MsgType":"text","Content":5,"MsgId":1}"#,
        #"{"ToUserName":"gh","FromUserName":"o1","CreateTime":1,"MsgType":"text","MsgId":-5}"#,
        #"{"ToUserName":"gh","FromUserName":"o1","CreateTime":1,"MsgType":"text","MsgId":"1.5"}"#,
        #"{"ToUserName":"gh","FromUserName":"o1","CreateTime":1,"MsgType":"text","MsgId":"99999999999999999999"}"#,
        #"{"ToUserName":"gh","FromUserName":"o1","CreateTime":1,"MsgType":"text","MsgId":true}"#,
        "<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><MsgId>1.0</MsgId></xml>",
        "<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><CreateTime>soon</CreateTime><MsgType>text</MsgType><MsgId>1</MsgId></xml>",
    ])
    func wrongFieldTypesAreRefused(_ body: String) {
        #expect(throws: WeChatPushError.self) { try WeChatPushMessage.decode(WeChatFields.parse(Array(body.utf8))) }
    }
}
