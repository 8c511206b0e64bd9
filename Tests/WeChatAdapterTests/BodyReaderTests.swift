import Foundation
import Testing
@testable import WeChatAdapter

/// The flat XML and JSON readers: what WeChat sends is read exactly; what an attacker sends is
/// refused without expansion, recursion or crash.
@Suite struct BodyReaderTests {
    func parse(_ text: String) throws -> WeChatFields { try WeChatFields.parse(Array(text.utf8)) }

    @Test func formatIsDetectedFromTheFirstNonWhitespaceByte() {
        #expect(WeChatBodyFormat.detect(Array(" \r\n\t{}".utf8)) == .json)
        #expect(WeChatBodyFormat.detect([0xEF, 0xBB, 0xBF] + Array("<xml/>".utf8)) == .xml)
        #expect(WeChatBodyFormat.detect(Array("success".utf8)) == nil)
        #expect(WeChatBodyFormat.detect([]) == nil)
        #expect(throws: WeChatParseError.unknownFormat) { try parse("  ") }
    }

    @Test func xmlWithCDATAWhitespaceAndTextNodes() throws {
        let fields = try WeChatFields.parse(Fixtures.bytes("text.xml"))
        #expect(fields.format == .xml)
        #expect(fields.text("MsgType") == "text")
        #expect(fields.text("Content") == "和室友相处得不太好，<心里>有点憋屈 & 不知道怎么开口")
        #expect(fields.text("CreateTime") == "1760000000")
        #expect(fields.text("MsgId") == "7300000000000000002")
    }

    @Test func xmlPredefinedEntitiesAndNumericReferencesOnly() throws {
        let fields = try WeChatFields.parse(Fixtures.bytes("text-entities.xml"))
        #expect(fields.text("Content") == "考试 <焦虑> & 失眠 \"怎么办\" '🙂你")
    }

    @Test func officialSampleWithWhitespaceAroundCDATA() throws {
        let fields = try parse("<xml><MsgType>  <![CDATA[video]]></MsgType><Content><![CDATA[  kept  ]]></Content><Empty/><Blank></Blank></xml>")
        #expect(fields.text("MsgType") == "video")
        #expect(fields.text("Content") == "  kept  ")
        #expect(fields.text("Empty") == "")
        #expect(fields.text("Blank") == "")
    }

    @Test func cdataSplitAcrossSectionsAndNestedElements() throws {
        let fields = try parse("<xml><A><![CDATA[x]]]]><![CDATA[>y]]></A><Info attr=\"1\"><Type>scan</Type><Result>ok</Result></Info></xml>")
        #expect(fields.text("A") == "x]]>y")
        #expect(fields.text("Info.Type") == "scan")
        #expect(fields.text("Info.Result") == "ok")
        #expect(fields["Info"] == nil)
    }

    @Test(arguments: [
        ("bad-xml-bomb.xml", "declaration"), ("bad-xml-external-entity.xml", "declaration"),
        ("bad-xml-undeclared-entity.xml", "entity"), ("bad-xml-processing-instruction.xml", "pi"),
    ])
    func hostileXMLIsRefusedWithoutExpansion(_ name: String, _ kind: String) throws {
        let bytes = try Fixtures.bytes(name)
        do {
            _ = try WeChatFields.parse(bytes)
            Issue.record("\(name) was accepted")
        } catch {
            switch (error, kind) {
            case (.forbiddenDeclaration, "declaration"), (.undefinedEntity, "entity"), (.forbiddenProcessingInstruction, "pi"): break
            default: Issue.record("\(name): unexpected \(error)")
            }
        }
    }

    @Test(arguments: [
        "<xml><A>1</A>",  // unclosed
        "<xml><A>1</B></xml>",  // mismatched
        "<root><A>1</A></root>",  // not <xml>
        "<xml><A>1</A></xml><xml/>",  // two roots
        "<xml><A><![CDATA[1</A></xml>",  // unclosed CDATA
        "<xml><A>&#0;</A></xml>",  // NUL reference
        "<xml><A>&#xD800;</A></xml>",  // surrogate reference
        "<xml><A>&amp</A></xml>",  // unterminated reference
        "<xml><A>1</A><A>2</A></xml>",  // duplicate field
        "<xml><!ENTITY a \"b\"><A>1</A></xml>",  // declaration inside content
        "<xml><A x=1>1</A></xml>",  // unquoted attribute
        "<xml><1A>1</1A></xml>",  // bad name
        "<xml><!-- unclosed comment </xml>",
    ])
    func malformedXMLIsRefused(_ text: String) {
        #expect(throws: WeChatParseError.self) { try parse(text) }
    }

    @Test func invalidUTF8IsRefused() {
        #expect(throws: WeChatParseError.invalidUTF8) { try WeChatFields.parse(Array("<xml><A>".utf8) + [0xFF, 0xFE] + Array("</A></xml>".utf8)) }
        #expect(throws: WeChatParseError.invalidUTF8) { try WeChatFields.parse(Array("{\"A\":\"".utf8) + [0xC3] + Array("\"}".utf8)) }
    }

    @Test func depthAndFieldCountAreBounded() {
        let deep = String(repeating: "<a>", count: 100_000) + String(repeating: "</a>", count: 100_000)
        #expect(throws: WeChatParseError.tooDeep) { try parse("<xml>" + deep + "</xml>") }
        let many = (0..<300).map { "<F\($0)>x</F\($0)>" }.joined()
        #expect(throws: WeChatParseError.tooManyFields) { try parse("<xml>" + many + "</xml>") }
        let deepJSON = "{\"a\":" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        #expect(throws: WeChatParseError.tooDeep) { try parse(deepJSON) }
    }

    @Test func jsonKeepsLiteralKinds() throws {
        let fields = try parse(#" {"MsgId": 6054768590064713728, "F": 1.5, "E": 1e3, "S": "a\u00e9\ud83d\ude42\n\"", "B": true, "N": null, "O": {"x": [1, {"y": "z"}]}} "#)
        #expect(fields["MsgId"] == .integer("6054768590064713728"))
        #expect(fields["F"] == .number("1.5"))
        #expect(fields["E"] == .number("1e3"))
        #expect(fields["S"] == .text("aé🙂\n\""))
        #expect(fields["B"] == .bool(true))
        #expect(fields["N"] == .null)
        #expect(fields["O"] == .nested)
    }

    @Test(arguments: [
        "{", "{\"a\":}", "{\"a\":1,}", "{\"a\":01}", "{\"a\":-}", "{\"a\":1.}", "{\"a\":\"\\x\"}", "{\"a\":\"\\ud800\"}",
        "{\"a\":\"\u{01}\"}", "{\"a\":tru}", "{\"a\":1}x", "{\"a\":1,\"a\":2}", "[1]", "{\"a\":\"\\u+123\"}",
        "{\"a\":" + String(repeating: "9", count: 100) + "}",
    ])
    func malformedJSONIsRefused(_ text: String) {
        #expect(throws: WeChatParseError.self) { try parse(text) }
    }
}
