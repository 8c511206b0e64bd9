/// A strict reader for WeChat's flat JSON messages. It keeps each top-level value's literal kind,
/// so that `MsgId` is read from its digits (a 64-bit id such as 6054768590064713728 does not fit a
/// Double) and a float `MsgId` is refused rather than rounded. Nested values are validated and
/// kept opaque; depth, field count and name length are bounded.
struct FlatJSONReader {
    private let bytes: [UInt8]
    private let limits: WeChatParseLimits
    private var i = 0

    init(_ bytes: [UInt8], limits: WeChatParseLimits) {
        self.bytes = bytes
        self.limits = limits
    }

    mutating func readObject() throws(WeChatParseError) -> [String: WeChatValue] {
        guard String(validating: bytes, as: UTF8.self) != nil else { throw .invalidUTF8 }
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        skipWhitespace()
        try expect(UInt8(ascii: "{"))
        var fields: [String: WeChatValue] = [:]
        skipWhitespace()
        if !consume(UInt8(ascii: "}")) {
            while true {
                skipWhitespace()
                let nameStart = i
                let name = try readString()
                guard name.utf8.count <= limits.maxNameBytes else { throw .syntax("name too long", at: nameStart) }
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                skipWhitespace()
                let value = try readValue(depth: 1)
                guard fields[name] == nil else { throw .duplicateField(name) }
                guard fields.count < limits.maxFields else { throw .tooManyFields }
                fields[name] = value
                skipWhitespace()
                if consume(UInt8(ascii: ",")) { continue }
                try expect(UInt8(ascii: "}"))
                break
            }
        }
        skipWhitespace()
        guard i == bytes.count else { throw .syntax("content after the object", at: i) }
        return fields
    }

    private mutating func readValue(depth: Int) throws(WeChatParseError) -> WeChatValue {
        guard i < bytes.count else { throw .syntax("expected a value", at: i) }
        switch bytes[i] {
        case UInt8(ascii: "\""):
            return .text(try readString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try readNumber()
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            try skipNested(depth: depth + 1)
            return .nested
        default:
            throw .syntax("unexpected character", at: i)
        }
    }

    /// Validates a nested object or array without keeping it.
    private mutating func skipNested(depth: Int) throws(WeChatParseError) {
        guard depth <= limits.maxDepth else { throw .tooDeep }
        let isObject = bytes[i] == UInt8(ascii: "{")
        let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
        i += 1
        skipWhitespace()
        if consume(close) { return }
        while true {
            skipWhitespace()
            if isObject {
                _ = try readString()
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                skipWhitespace()
            }
            _ = try readValue(depth: depth)
            skipWhitespace()
            if consume(UInt8(ascii: ",")) { continue }
            try expect(close)
            return
        }
    }

    private mutating func readNumber() throws(WeChatParseError) -> WeChatValue {
        let start = i
        var integral = true
        _ = consume(UInt8(ascii: "-"))
        if consume(UInt8(ascii: "0")) {
            // A leading zero stands alone.
        } else {
            guard digits() > 0 else { throw .syntax("invalid number", at: start) }
        }
        if consume(UInt8(ascii: ".")) {
            integral = false
            guard digits() > 0 else { throw .syntax("invalid number", at: start) }
        }
        if consume(UInt8(ascii: "e")) || consume(UInt8(ascii: "E")) {
            integral = false
            if !consume(UInt8(ascii: "+")) { _ = consume(UInt8(ascii: "-")) }
            guard digits() > 0 else { throw .syntax("invalid number", at: start) }
        }
        guard i - start <= 64 else { throw .syntax("number too long", at: start) }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        return integral ? .integer(text) : .number(text)
    }

    private mutating func digits() -> Int {
        let start = i
        while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") { i += 1 }
        return i - start
    }

    private mutating func readString() throws(WeChatParseError) -> String {
        let start = i
        try expect(UInt8(ascii: "\""))
        var out: [UInt8] = []
        while true {
            guard i < bytes.count else { throw .syntax("unclosed string", at: start) }
            let byte = bytes[i]
            i += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard i < bytes.count else { throw .syntax("unclosed string", at: start) }
                let escape = bytes[i]
                i += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"): out += try readUnicodeEscape(stringStart: start)
                default: throw .syntax("invalid escape", at: i - 1)
                }
            case 0x00..<0x20:
                throw .syntax("control character in string", at: i - 1)
            default:
                out.append(byte)
            }
        }
    }

    /// After `\u`: four hex digits, joined with a following `\uDC00…` when it is a high surrogate.
    private mutating func readUnicodeEscape(stringStart: Int) throws(WeChatParseError) -> [UInt8] {
        let high = try hex4()
        var value = UInt32(high)
        if (0xD800...0xDBFF).contains(high) {
            guard consume(UInt8(ascii: "\\")), consume(UInt8(ascii: "u")) else { throw .syntax("lone surrogate", at: i) }
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw .syntax("lone surrogate", at: i) }
            value = 0x10000 + ((UInt32(high) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(value) else { throw .syntax("lone surrogate", at: i) }
        return Array(String(Character(scalar)).utf8)
    }

    private mutating func hex4() throws(WeChatParseError) -> UInt16 {
        guard i + 4 <= bytes.count, bytes[i..<(i + 4)].allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) }),
              let value = UInt16(String(decoding: bytes[i..<(i + 4)], as: UTF8.self), radix: 16)
        else {
            throw .syntax("invalid \\u escape", at: i)
        }
        i += 4
        return value
    }

    private mutating func literal(_ word: StaticString) throws(WeChatParseError) {
        let count = word.utf8CodeUnitCount
        let matches = i + count <= bytes.count && word.withUTF8Buffer { pattern in
            (0..<count).allSatisfy { bytes[i + $0] == pattern[$0] }
        }
        guard matches else { throw .syntax("invalid literal", at: i) }
        i += count
    }

    private mutating func expect(_ byte: UInt8) throws(WeChatParseError) {
        guard consume(byte) else { throw .syntax("expected \(Character(Unicode.Scalar(byte)))", at: i) }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard i < bytes.count, bytes[i] == byte else { return false }
        i += 1
        return true
    }

    private mutating func skipWhitespace() {
        while i < bytes.count, FlatXMLReader.isWhitespace(bytes[i]) { i += 1 }
    }
}
