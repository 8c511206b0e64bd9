/// A small, fast JSON parser over bytes, for one record at a time. It distinguishes "the record
/// continues past the bytes given" (`needMore`, so the reader fetches another chunk) from real
/// errors, and reports the offset of invalid UTF-8 instead of silently replacing it.
struct JSONParser {
    enum Stop: Error, Equatable {
        case needMore
        case syntax(String, offset: Int)
        case invalidUTF8(offset: Int)
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private let end: Int
    private(set) var index: Int
    /// When true, invalid UTF-8 becomes U+FFFD instead of failing (used to step over a bad record).
    private let lenient: Bool
    private var depth = 0
    private var scratch: [UInt8] = []
    static let maxDepth = 200

    init(bytes: UnsafeBufferPointer<UInt8>, start: Int, end: Int, lenient: Bool = false) {
        self.bytes = bytes
        self.index = start
        self.end = end
        self.lenient = lenient
    }

    /// Parses one value; `index` is then just past it.
    mutating func parseValue() throws(Stop) -> JSONValue {
        skipWhitespace()
        guard index < end else { throw .needMore }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        case let byte where byte >= 0x80:
            throw Self.isValidUTF8Start(bytes, index, end) ? .syntax("unexpected character", offset: index) : .invalidUTF8(offset: index)
        default: throw .syntax("unexpected character", offset: index)
        }
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while index < end {
            let b = bytes[index]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            index += 1
        }
    }

    private mutating func parseObject() throws(Stop) -> JSONValue {
        depth += 1
        guard depth <= Self.maxDepth else { throw .syntax("nested too deeply", offset: index) }
        index += 1
        var members: [JSONMember] = []
        skipWhitespace()
        guard index < end else { throw .needMore }
        if bytes[index] == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < end else { throw .needMore }
            guard bytes[index] == UInt8(ascii: "\"") else { throw .syntax("expected a string key", offset: index) }
            let key = try parseString()
            skipWhitespace()
            guard index < end else { throw .needMore }
            guard bytes[index] == UInt8(ascii: ":") else { throw .syntax("expected ':'", offset: index) }
            index += 1
            let value = try parseValue()
            members.append(JSONMember(key: key, value: value))
            skipWhitespace()
            guard index < end else { throw .needMore }
            let b = bytes[index]
            index += 1
            if b == UInt8(ascii: ",") { continue }
            if b == UInt8(ascii: "}") { break }
            throw .syntax("expected ',' or '}'", offset: index - 1)
        }
        depth -= 1
        return .object(members)
    }

    private mutating func parseArray() throws(Stop) -> JSONValue {
        depth += 1
        guard depth <= Self.maxDepth else { throw .syntax("nested too deeply", offset: index) }
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        guard index < end else { throw .needMore }
        if bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            elements.append(try parseValue())
            skipWhitespace()
            guard index < end else { throw .needMore }
            let b = bytes[index]
            index += 1
            if b == UInt8(ascii: ",") { continue }
            if b == UInt8(ascii: "]") { break }
            throw .syntax("expected ',' or ']'", offset: index - 1)
        }
        depth -= 1
        return .array(elements)
    }

    private mutating func literal(_ word: StaticString) throws(Stop) {
        let count = word.utf8CodeUnitCount
        let text = word.utf8Start
        for k in 0..<count {
            guard index + k < end else { throw .needMore }
            guard bytes[index + k] == text[k] else { throw .syntax("unexpected character", offset: index + k) }
        }
        index += count
    }

    private mutating func parseNumber() throws(Stop) -> Double {
        let start = index
        var simple = true
        var integer: Int64 = 0
        var negative = false
        var digits = 0
        while index < end {
            let b = bytes[index]
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if simple { integer = integer &* 10 &+ Int64(b - 48); digits += 1 }
            case UInt8(ascii: "-") where index == start:
                negative = true
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "+"), UInt8(ascii: "-"):
                simple = false
            default:
                return try finishNumber(start: start, simple: simple, integer: integer, negative: negative, digits: digits)
            }
            index += 1
        }
        throw .needMore
    }

    private func finishNumber(start: Int, simple: Bool, integer: Int64, negative: Bool, digits: Int) throws(Stop) -> Double {
        if simple, digits > 0, digits <= 18 { return Double(negative ? -integer : integer) }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw .syntax("invalid number", offset: start) }
        return value
    }

    private mutating func parseString() throws(Stop) -> String {
        index += 1
        let start = index
        var escaped = false
        var nonASCII = false
        while true {
            guard index < end else { throw .needMore }
            let b = bytes[index]
            if b == 0x22 { break }
            if b == 0x5C {
                escaped = true
                index += 2
                continue
            }
            if b < 0x20 { throw .syntax("control character inside a string", offset: index) }
            if b >= 0x80 { nonASCII = true }
            index += 1
        }
        let range = start..<index
        index += 1
        let raw = UnsafeBufferPointer(rebasing: bytes[range])
        if !escaped {
            if nonASCII, !lenient {
                guard let text = String(validating: raw, as: UTF8.self) else {
                    throw .invalidUTF8(offset: start + Self.firstInvalidUTF8(raw))
                }
                return text
            }
            return String(decoding: raw, as: UTF8.self)
        }
        return try unescape(range)
    }

    private mutating func unescape(_ range: Range<Int>) throws(Stop) -> String {
        scratch.removeAll(keepingCapacity: true)
        var i = range.lowerBound
        while i < range.upperBound {
            guard bytes[i] == 0x5C else {
                // Copy the run up to the next backslash in one go.
                var j = i + 1
                while j < range.upperBound, bytes[j] != 0x5C { j += 1 }
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<j]))
                i = j
                continue
            }
            let e = bytes[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(e)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "u"):
                var unit = try hex4(at: i, limit: range.upperBound)
                i += 4
                if (0xD800...0xDBFF).contains(unit), i + 6 <= range.upperBound, bytes[i] == 0x5C, bytes[i + 1] == UInt8(ascii: "u") {
                    let low = try hex4(at: i + 2, limit: range.upperBound)
                    if (0xDC00...0xDFFF).contains(low) {
                        unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    }
                }
                appendScalar(Unicode.Scalar(unit) ?? "\u{FFFD}")
            default:
                throw .syntax("invalid escape", offset: i - 1)
            }
        }
        if lenient { return String(decoding: scratch, as: UTF8.self) }
        guard let text = String(validating: scratch, as: UTF8.self) else {
            throw .invalidUTF8(offset: range.lowerBound + Self.firstInvalidUTF8(UnsafeBufferPointer(rebasing: bytes[range])))
        }
        return text
    }

    private func hex4(at i: Int, limit: Int) throws(Stop) -> UInt32 {
        guard i + 4 <= limit else { throw .syntax("short \\u escape", offset: i) }
        var value: UInt32 = 0
        for k in 0..<4 {
            let c = bytes[i + k]
            let digit: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - 48
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - 87
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - 55
            default: throw .syntax("invalid \\u escape", offset: i + k)
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    private mutating func appendScalar(_ scalar: Unicode.Scalar) {
        if let encoded = UTF8.encode(scalar) { scratch.append(contentsOf: encoded) }
    }

    // MARK: UTF-8

    /// Offset of the first byte that does not start a well-formed UTF-8 sequence (count if none).
    static func firstInvalidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var i = 0
        while i < bytes.count {
            let length = sequenceLength(bytes, i, bytes.count)
            if length == 0 { return i }
            i += length
        }
        return bytes.count
    }

    static func isValidUTF8Start(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int) -> Bool {
        sequenceLength(bytes, i, end) > 0
    }

    /// Length of the well-formed sequence at `i`, or 0 (RFC 3629 table, no overlongs/surrogates).
    static func sequenceLength(_ s: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int) -> Int {
        let b0 = s[i]
        if b0 < 0x80 { return 1 }
        func cont(_ k: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool { i + k < end && range.contains(s[i + k]) }
        switch b0 {
        case 0xC2...0xDF: return cont(1) ? 2 : 0
        case 0xE0: return cont(1, 0xA0...0xBF) && cont(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF: return cont(1) && cont(2) ? 3 : 0
        case 0xED: return cont(1, 0x80...0x9F) && cont(2) ? 3 : 0
        case 0xF0: return cont(1, 0x90...0xBF) && cont(2) && cont(3) ? 4 : 0
        case 0xF1...0xF3: return cont(1) && cont(2) && cont(3) ? 4 : 0
        case 0xF4: return cont(1, 0x80...0x8F) && cont(2) && cont(3) ? 4 : 0
        default: return 0
        }
    }
}
