import Foundation
import Testing
@testable import Datasets

@Suite("Streaming JSON reader")
struct RecordReaderTests {
    @Test("parses strings with escapes, surrogate pairs, numbers and nesting")
    func parsesValues() throws {
        let items = try readAll(#"[{"a":"x\"\\\/\n\t\u4f60\ud83d\ude0a","n":-12,"f":1.5e2,"b":true,"z":null,"arr":[1,[2]],"o":{}}]"#, layout: .array)
        let value = try #require(items.first?.value)
        #expect(value["a"]?.string == "x\"\\/\n\t你😊")
        #expect(value["n"]?.number == -12)
        #expect(value["f"]?.number == 150)
        #expect(value["b"]?.bool == true)
        #expect(value["z"] == .null)
        #expect(value["arr"]?.array?.count == 2)
        #expect(value["o"]?.members?.isEmpty == true)
    }

    @Test("array elements across tiny chunks keep their line numbers and offsets")
    func arrayPositions() throws {
        let text = "[\n  {\"id\": 1},\n  {\"id\": \"二\"},\n\n  {\"id\": 3}\n]\n"
        let items = try readAll(text, layout: .array, maxRead: 3)
        #expect(items.count == 3)
        #expect(items.map(\.position.line) == [2, 3, 5])
        #expect(items.map(\.position.record) == [1, 2, 3])
        #expect(items[1].value?["id"]?.text == "二")
        #expect(items[0].position.byteOffset == 4)
    }

    @Test("JSON lines skip blank lines and accept CRLF")
    func lines() throws {
        let items = try readAll("{\"a\":1}\r\n\n{\"a\":2}\n{\"a\":3}", layout: .lines)
        #expect(items.compactMap { $0.value?["a"]?.number } == [1, 2, 3])
        #expect(items.map(\.position.line) == [1, 3, 4])
    }

    @Test("an empty array has no records")
    func emptyArray() throws {
        #expect(try readAll("  [ ]  \n", layout: .array).isEmpty)
    }

    @Test("a truncated array is reported with the record's position")
    func truncatedArray() {
        let error = datasetError { try readAll("[{\"a\":1},\n{\"a\":\"unfinished", layout: .array) }
        guard case .truncated(let at) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(at.line == 2)
        #expect(at.record == 2)
    }

    @Test("an array without its closing bracket is truncated")
    func missingBracket() {
        let error = datasetError { try readAll("[{\"a\":1}\n", layout: .array) }
        guard case .truncated = error else { Issue.record("got \(String(describing: error))"); return }
    }

    @Test("a truncated last line is skipped as truncated, earlier lines survive")
    func truncatedLine() throws {
        let items = try readAll("{\"a\":1}\n{\"a\":", layout: .lines)
        #expect(items.first?.value?["a"]?.number == 1)
        guard case .truncated(let at)? = items.last?.error else { Issue.record("got \(items)"); return }
        #expect(at.line == 2)
    }

    @Test("a JSON array where lines were expected, and lines where an array was expected")
    func wrongLayout() {
        let arrayAsLines = datasetError { try readAll("[{\"a\":1}]", layout: .lines) }
        guard case .wrongLayout(.lines, let why)? = arrayAsLines else { Issue.record("got \(String(describing: arrayAsLines))"); return }
        #expect(why.contains("JSON array"))
        let linesAsArray = datasetError { try readAll("{\"a\":1}\n{\"a\":2}\n", layout: .array) }
        guard case .wrongLayout(.array, let why2)? = linesAsArray else { Issue.record("got \(String(describing: linesAsArray))"); return }
        #expect(why2.contains("JSON lines"))
        #expect(DatasetError.wrongLayout(expected: .array, found: why2).description.contains("expected one JSON array"))
    }

    @Test("invalid UTF-8 stops with line and byte offset by default")
    func invalidUTF8Stops() {
        var bytes = Array("{\"a\":\"ok\"}\n{\"a\":\"b".utf8)
        bytes.append(0xFF)
        bytes += Array("\"}\n".utf8)
        let error = datasetError { try readAll(bytes, layout: .lines) }
        guard case .invalidUTF8(let at)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(at.line == 2)
        #expect(at.byteOffset == 18)
        #expect(error?.description.contains("line 2, byte 18") == true)
    }

    @Test("invalid UTF-8 can be skipped, in lines and inside an array")
    func invalidUTF8Skips() throws {
        var lines = Array("{\"a\":\"\u{4f60}".utf8)
        lines.removeLast()  // cut a 3-byte character in two
        lines += Array("\"}\n{\"a\":\"fine\"}\n".utf8)
        let items = try readAll(lines, layout: .lines, policy: .skip)
        #expect(items.count == 2)
        guard case .invalidUTF8? = items[0].error else { Issue.record("got \(items)"); return }
        #expect(items[1].value?["a"]?.string == "fine")

        var array = Array("[{\"a\":\"x".utf8) + [0xC3, 0x28] + Array("\"},{\"a\":\"y\"}]".utf8)
        let arrayItems = try readAll(array, layout: .array, policy: .skip)
        #expect(arrayItems.count == 2)
        #expect(arrayItems[1].value?["a"]?.string == "y")
        array[8] = 0xED  // a surrogate encoding is not UTF-8 either
        array[9] = 0xA0
        #expect(datasetError { try readAll(array, layout: .array) } != nil)
    }

    @Test("a gigantic record is refused with its position")
    func gigantic() {
        let big = "[{\"a\":\"" + String(repeating: "x", count: 5000) + "\"}]"
        let error = datasetError { try readAll(Array(big.utf8), layout: .array, maxRead: 512, maxRecordBytes: 1024) }
        guard case .recordTooLarge(let at, let limit)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(limit == 1024)
        #expect(at.record == 1)
        let line = datasetError { try readAll(Array(("{\"a\":\"" + String(repeating: "y", count: 5000) + "\"}\n").utf8), layout: .lines, maxRead: 512, maxRecordBytes: 1024) }
        guard case .recordTooLarge? = line else { Issue.record("got \(String(describing: line))"); return }
    }

    @Test("syntax errors: missing comma, garbage after the array, control characters")
    func syntax() {
        for text in ["[{\"a\":1} {\"a\":2}]", "[{\"a\":1}] x", "[{\"a\":\"tab\there\"}]", "[,{\"a\":1}]", "[{\"a\" 1}]"] {
            let error = datasetError { try readAll(text, layout: .array) }
            guard case .syntax? = error else { Issue.record("\(text): got \(String(describing: error))"); continue }
        }
    }

    @Test("deep nesting is refused, not a stack overflow")
    func deepNesting() throws {
        let text = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        let items = try readAll("{\"a\":" + text + "}\n", layout: .lines)
        guard case .syntax(_, let why)? = items.first?.error else { Issue.record("got \(items)"); return }
        #expect(why.contains("deeply"))
    }

    @Test("a BOM at the start is tolerated")
    func bom() throws {
        let items = try readAll([0xEF, 0xBB, 0xBF] + Array("{\"a\":1}\n".utf8), layout: .lines)
        #expect(items.first?.value?["a"]?.number == 1)
    }
}
