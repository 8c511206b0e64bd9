import ChatCore
import Foundation
import Testing
@testable import TelegramAdapter

/// Splitting at 4096 UTF-16 units and HTML escaping: docs/protocols.md B.6, B.7 and D ("cut only at
/// valid Character boundaries").
@Suite struct FormatterTests {
    /// Every piece fits, is not empty, and no text is lost or reordered (whitespace at cuts aside).
    func checkSplit(_ text: String, limit: Int = 4096, sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
        let pieces = TelegramTextSplitter.split(text, limit: limit)
        for piece in pieces {
            #expect(piece.utf16.count <= limit, sourceLocation: sourceLocation)
            #expect(!piece.isEmpty, sourceLocation: sourceLocation)
            #expect(piece.trimmingCharacters(in: .whitespacesAndNewlines) == piece, sourceLocation: sourceLocation)
        }
        let squeezed = { (s: String) in String(s.unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init)) }
        #expect(squeezed(pieces.joined()) == squeezed(text), sourceLocation: sourceLocation)
        return pieces
    }

    @Test func shortTextIsOnePiece() {
        #expect(checkSplit("  你好，最近怎么样？ ") == ["你好，最近怎么样？"])
        #expect(checkSplit(" \n\n ").isEmpty)
        #expect(checkSplit(String(repeating: "a", count: 4096)).count == 1)
        #expect(checkSplit(String(repeating: "a", count: 4097)).map(\.utf16.count) == [4096, 1])
    }

    @Test func paragraphsComeFirst() {
        let first = String(repeating: "一句话。", count: 700)  // 2800 units, with sentence ends inside
        let second = String(repeating: "b", count: 3000)
        let pieces = checkSplit(first + "\n\n" + second)
        #expect(pieces == [first, second])
    }

    @Test func singleLineBreaksBeforeSentences() {
        let line = String(repeating: "x", count: 2500) + "。y" + String(repeating: "z", count: 500)
        let pieces = checkSplit(line + "\n" + String(repeating: "w", count: 2000))
        #expect(pieces.first == line)
    }

    @Test(arguments: ["。", "！", "？"])
    func chineseSentencePunctuation(mark: String) {
        let sentence = "今天心里有点难受" + mark  // 9 units
        let pieces = checkSplit(String(repeating: sentence, count: 1000))
        #expect(pieces.count == 3)
        for piece in pieces { #expect(piece.hasSuffix(mark)) }
        #expect(pieces[0].utf16.count == 4095)  // 455 whole sentences
    }

    @Test func chineseSentenceEndsBeforeClosingQuotes() {
        let sentence = "他说：“我没事。”"
        let pieces = checkSplit(String(repeating: sentence, count: 800), limit: 100)
        for piece in pieces { #expect(piece.hasSuffix("。”")) }
    }

    @Test func latinSentencesSplitAfterTheStopNotInsideNumbers() {
        let sentence = "It costs 3.50 today. "  // 21 units
        let pieces = checkSplit(String(repeating: sentence, count: 400))
        for piece in pieces { #expect(piece.hasSuffix("today.")) }
    }

    @Test func wordsBeforeCharacters() {
        let pieces = checkSplit(String(repeating: "word ", count: 2000))
        for piece in pieces { #expect(piece.hasSuffix("word")) }
    }

    @Test func tenThousandEmojiNeverSplitASurrogatePair() {
        let faces = ["😀", "😢", "🙏", "💪", "🌱"]
        let text = (0..<10_000).map { faces[$0 % faces.count] }.joined()
        #expect(text.utf16.count == 20_000)
        let pieces = checkSplit(text)
        #expect(pieces.count == 5)
        for piece in pieces {
            #expect(piece.utf16.count % 2 == 0)
            #expect(piece.utf16.first.map(UTF16.isLeadSurrogate) == true)
            #expect(piece.utf16.last.map(UTF16.isTrailSurrogate) == true)
        }
        #expect(pieces.joined() == text)  // order kept
    }

    @Test func graphemeClustersStayWhole() {
        let family = "👨‍👩‍👧‍👦"  // 7 scalars, 11 units, one Character
        #expect(family.utf16.count == 11)
        for piece in checkSplit(String(repeating: family, count: 1000)) {
            #expect(piece.allSatisfy { $0 == "👨‍👩‍👧‍👦" })
        }
        let flagAndAccent = "🇨🇳e\u{301}"
        for piece in checkSplit(String(repeating: flagAndAccent, count: 2000), limit: 97) {
            #expect(piece.unicodeScalars.first == "🇨🇳".unicodeScalars.first)
            #expect(piece.last == "e\u{301}")
        }
    }

    @Test func aClusterLongerThanTheLimitIsCutBetweenScalars() {
        let zalgo = "a" + String(repeating: "\u{301}", count: 5000)  // one Character, 5001 units
        let pieces = checkSplit(zalgo)
        #expect(pieces.count == 2)
        #expect(pieces.map(\.unicodeScalars.count).reduce(0, +) == 5001)
    }

    @Test func htmlEscaping() {
        #expect(TelegramFormatter.escapeHTML(#"<b>1 & 2</b> "q" 'a'"#) == "&lt;b&gt;1 &amp; 2&lt;/b&gt; &quot;q&quot; 'a'")
        #expect(TelegramFormatter.escapeHTML("a&amp;b") == "a&amp;amp;b")  // model output is never markup
        #expect(TelegramFormatter.escapeHTML("无需转义 😀") == "无需转义 😀")
    }

    @Test func plainRepliesCarryNoParseMode() {
        let reply = Reply(body: "<b>not bold</b>", source: .model, disclaimer: "提示", resourceLine: "热线 12356")
        let messages = TelegramFormatter().messages(for: reply)
        #expect(messages == [TelegramOutgoingText(text: "<b>not bold</b>\n\n热线 12356\n\n提示", parseMode: nil, plainText: "<b>not bold</b>\n\n热线 12356\n\n提示")])
    }

    @Test func htmlRepliesEscapeTheModelAndStyleTheirOwnParts() {
        let reply = Reply(body: "1 < 2 & <i>x</i>", source: .model, disclaimer: "Not a doctor.", resourceLine: "Call 988")
        let messages = TelegramFormatter(parseMode: .html).messages(for: reply)
        #expect(messages.count == 1)
        #expect(messages[0].parseMode == "HTML")
        #expect(messages[0].text == "1 &lt; 2 &amp; &lt;i&gt;x&lt;/i&gt;\n\n<b>Call 988</b>\n\n<i>Not a doctor.</i>")
        #expect(messages[0].plainText == "1 < 2 & <i>x</i>\n\nCall 988\n\nNot a doctor.")
    }

    @Test func longRepliesAreSplitOnVisibleLengthAndEscapedPerPiece() {
        let body = String(repeating: "<&>", count: 3000)  // 9000 visible units, 36000 escaped
        let reply = Reply(body: body, source: .model, disclaimer: "Note.")
        let messages = TelegramFormatter(parseMode: .html).messages(for: reply)
        #expect(messages.count == 3)
        for message in messages {
            #expect(message.plainText.utf16.count <= 4096)
            #expect(!message.text.contains("<&>"))
        }
        #expect(messages.map(\.plainText).joined() .replacingOccurrences(of: "\n\nNote.", with: "") == body)
        #expect(messages.last?.text.hasSuffix("<i>Note.</i>") == true)
    }

    @Test func partsArePackedInOrderWhileTheyFit() {
        let body = String(repeating: "b", count: 4050)
        let reply = Reply(body: body, source: .model, disclaimer: String(repeating: "d", count: 50), resourceLine: String(repeating: "r", count: 50))
        let messages = TelegramFormatter().messages(for: reply)
        #expect(messages.map(\.text) == [body, String(repeating: "r", count: 50) + "\n\n" + String(repeating: "d", count: 50)])
    }
}
