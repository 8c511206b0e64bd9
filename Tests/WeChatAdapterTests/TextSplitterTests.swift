import ChatCore
import Testing
@testable import WeChatAdapter

/// Splitting customer-service text at UTF-8 byte limits on sentence boundaries.
@Suite struct TextSplitterTests {
    func check(_ pieces: [String], limit: Int, original: String) {
        for piece in pieces {
            #expect(piece.utf8.count <= limit)
            #expect(!piece.isEmpty)
        }
        // Nothing is lost but whitespace at the cuts.
        let strip: (String) -> String = { $0.filter { !$0.isWhitespace } }
        #expect(strip(pieces.joined()) == strip(original))
    }

    @Test func shortTextIsOnePiece() {
        #expect(UTF8TextSplitter(maxBytes: 2048).split("  你好。 ") == ["你好。"])
        #expect(UTF8TextSplitter().split("").isEmpty)
        #expect(UTF8TextSplitter().split(" \n ").isEmpty)
    }

    @Test func chineseSentencesAreKeptWhole() {
        let sentence = "这是一句用来测试切分的话，它有逗号也有句号。"  // 66 bytes
        let text = String(repeating: sentence, count: 100)
        let pieces = UTF8TextSplitter(maxBytes: 2048).split(text)
        check(pieces, limit: 2048, original: text)
        #expect(pieces.count == 4)
        for piece in pieces { #expect(piece.hasSuffix("。")) }
    }

    @Test func paragraphsArepreferredOverSentences() {
        let paragraph = String(repeating: "One sentence here. ", count: 30)  // 570 bytes
        let text = [paragraph, paragraph, paragraph].joined(separator: "\n\n")
        let pieces = UTF8TextSplitter(maxBytes: 1200).split(text)
        check(pieces, limit: 1200, original: text)
        #expect(pieces.count == 2)
        #expect(pieces[0].hasSuffix("here."))
        #expect(pieces[0].utf8.count == 570 * 2 + 2 - 1)
    }

    @Test func latinSentenceEndsNeedAFollowingSpace() {
        let text = "Version 3.14 is out! " + String(repeating: "word ", count: 10)
        let pieces = UTF8TextSplitter(maxBytes: 40).split(text)
        check(pieces, limit: 40, original: text)
        #expect(pieces[0] == "Version 3.14 is out!")
    }

    @Test func graphemeClustersAreNeverBroken() {
        let family = "👨‍👩‍👧‍👦"  // 25 bytes, one Character
        let flag = "🇨🇳"
        let text = String(repeating: family + flag + "é", count: 50)
        for limit in [30, 31, 64, 100, 2048] {
            let pieces = UTF8TextSplitter(maxBytes: limit).split(text)
            check(pieces, limit: limit, original: text)
            for piece in pieces {
                #expect(piece.unicodeScalars.first != "\u{200D}")
                #expect(String(piece) == piece && piece.count == Array(piece).count)
            }
            #expect(pieces.joined() == text)
        }
    }

    @Test func aSingleGraphemeLongerThanTheLimitIsCutBetweenScalarsOnly() {
        let zalgo = "a" + String(repeating: "\u{0301}", count: 40)  // one Character, 81 bytes
        let pieces = UTF8TextSplitter(maxBytes: 20).split(zalgo)
        #expect(pieces.allSatisfy { $0.utf8.count <= 20 })
        #expect(pieces.joined() == zalgo)
    }

    @Test func textWithoutAnyBreakIsCutAtCharacterBoundaries() {
        let text = String(repeating: "字", count: 1000)  // 3000 bytes
        let pieces = UTF8TextSplitter(maxBytes: 2048).split(text)
        #expect(pieces.map { $0.utf8.count } == [2046, 954])
    }

    @Test func formatterKeepsHotlinesAndDisclaimerWhenShortening() {
        let long = String(repeating: "这是很长的回答。", count: 400)  // 9600 bytes
        let reply = Reply(body: long, tier: .concern, source: .model, disclaimer: "免责声明", resourceLine: "热线 12356")
        let pieces = WeChatReplyFormatter(splitBytes: 2048, maxChunks: 5).pieces(for: reply)
        #expect(pieces.count == 5)
        #expect(pieces.last?.hasSuffix("热线 12356\n\n免责声明") == true)
        #expect(pieces.allSatisfy { $0.utf8.count <= 2048 })
        let short = WeChatReplyFormatter().pieces(for: Reply(body: "好的。", source: .model, disclaimer: "免责声明"))
        #expect(short == ["好的。\n\n免责声明"])
        #expect(WeChatReplyFormatter().pieces(for: Reply(body: "", source: .fixed, deliver: false)).isEmpty)
    }
}
