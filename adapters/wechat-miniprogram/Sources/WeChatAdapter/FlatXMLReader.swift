/// A reader for WeChat's flat `<xml>` messages, written to be immune to XML bombs and external
/// entities: it never processes a DTD (any `<!DOCTYPE`, `<!ENTITY` or other declaration is refused),
/// expands only the five predefined entities and numeric character references, and bounds depth
/// and field count. Text and CDATA mix freely; whitespace around a value outside CDATA is dropped
/// (Tencent's own sample has `<MsgType>  <![CDATA[video]]></MsgType>`). Nested elements become
/// dotted names (`ScanCodeInfo.ScanType`); mixed content of an element with children is ignored.
struct FlatXMLReader {
    private let bytes: [UInt8]
    private let limits: WeChatParseLimits
    private var i = 0
    private var fields: [String: WeChatValue] = [:]

    init(_ bytes: [UInt8], limits: WeChatParseLimits) {
        self.bytes = bytes
        self.limits = limits
    }

    mutating func readDocument() throws(WeChatParseError) -> [String: WeChatValue] {
        guard String(validating: bytes, as: UTF8.self) != nil else { throw .invalidUTF8 }
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        try skipMisc(declarationAllowed: true)
        guard peek("<") else { throw .syntax("expected the root element", at: i) }
        i += 1
        let (name, selfClosing) = try readStartTag()
        guard name == "xml" else { throw .syntax("the root element must be <xml>", at: i) }
        if !selfClosing { try readContent(of: name, key: nil, depth: 1) }
        try skipMisc(declarationAllowed: false)
        guard i == bytes.count else { throw .syntax("content after the root element", at: i) }
        return fields
    }

    // MARK: Structure

    /// Reads an element's content up to and including its end tag. `key` is nil for the root.
    private mutating func readContent(of name: String, key: String?, depth: Int) throws(WeChatParseError) {
        var parts: [(text: [UInt8], cdata: Bool)] = []
        var hasChildren = false
        while true {
            guard i < bytes.count else { throw .syntax("unclosed element", at: i) }
            guard bytes[i] == UInt8(ascii: "<") else {
                let text = try readText()
                if let last = parts.last, !last.cdata {
                    parts[parts.count - 1].text += text
                } else {
                    parts.append((text, false))
                }
                continue
            }
            if peek("</") {
                i += 2
                let end = try readName()
                skipWhitespace()
                guard end == name, peek(">") else { throw .syntax("mismatched end tag", at: i) }
                i += 1
                break
            } else if peek("<![CDATA[") {
                i += 9
                guard let close = find("]]>") else { throw .syntax("unclosed CDATA section", at: i) }
                parts.append((Array(bytes[i..<close]), true))
                i = close + 3
            } else if peek("<!--") {
                try skipComment()
            } else if peek("<!") {
                throw .forbiddenDeclaration(at: i)
            } else if peek("<?") {
                throw .forbiddenProcessingInstruction(at: i)
            } else {
                guard depth < limits.maxDepth else { throw .tooDeep }
                i += 1
                let (child, selfClosing) = try readStartTag()
                let childKey = key.map { $0 + "." + child } ?? child
                if selfClosing {
                    try add(childKey, [])
                } else {
                    try readContent(of: child, key: childKey, depth: depth + 1)
                }
                hasChildren = true
            }
        }
        guard let key, !hasChildren else { return }
        if let first = parts.first, !first.cdata { parts[0].text = Array(first.text.drop(while: Self.isWhitespace)) }
        if let last = parts.last, !last.cdata {
            parts[parts.count - 1].text = Array(last.text.reversed().drop(while: Self.isWhitespace).reversed())
        }
        try add(key, parts.flatMap(\.text))
    }

    private mutating func add(_ key: String, _ value: [UInt8]) throws(WeChatParseError) {
        guard fields[key] == nil else { throw .duplicateField(key) }
        guard fields.count < limits.maxFields else { throw .tooManyFields }
        fields[key] = .text(String(decoding: value, as: UTF8.self))
    }

    /// After `<`: the name, ignored attributes, and whether the tag closes itself.
    private mutating func readStartTag() throws(WeChatParseError) -> (String, Bool) {
        let name = try readName()
        while true {
            skipWhitespace()
            if peek("/>") {
                i += 2
                return (name, true)
            }
            if peek(">") {
                i += 1
                return (name, false)
            }
            _ = try readName()
            skipWhitespace()
            guard peek("=") else { throw .syntax("expected = in attribute", at: i) }
            i += 1
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") else {
                throw .syntax("expected a quoted attribute value", at: i)
            }
            let quote = bytes[i]
            i += 1
            while i < bytes.count, bytes[i] != quote {
                guard bytes[i] != UInt8(ascii: "<") else { throw .syntax("< in attribute value", at: i) }
                i += 1
            }
            guard i < bytes.count else { throw .syntax("unclosed attribute value", at: i) }
            i += 1
        }
    }

    private mutating func readName() throws(WeChatParseError) -> String {
        let start = i
        while i < bytes.count, Self.isNameByte(bytes[i], first: i == start) { i += 1 }
        guard i > start else { throw .syntax("expected a name", at: i) }
        guard i - start <= limits.maxNameBytes else { throw .syntax("name too long", at: start) }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }

    // MARK: Text and entities

    private mutating func readText() throws(WeChatParseError) -> [UInt8] {
        var out: [UInt8] = []
        while i < bytes.count, bytes[i] != UInt8(ascii: "<") {
            if bytes[i] == UInt8(ascii: "&") {
                out += try readReference()
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }

    /// `&lt;` `&gt;` `&amp;` `&apos;` `&quot;` `&#…;` `&#x…;`; anything else is refused, never looked up.
    private mutating func readReference() throws(WeChatParseError) -> [UInt8] {
        let start = i
        i += 1
        var name: [UInt8] = []
        while i < bytes.count, bytes[i] != UInt8(ascii: ";") {
            guard name.count < 10 else { throw .undefinedEntity(at: start) }
            name.append(bytes[i])
            i += 1
        }
        guard i < bytes.count else { throw .undefinedEntity(at: start) }
        i += 1
        switch String(decoding: name, as: UTF8.self) {
        case "lt": return [UInt8(ascii: "<")]
        case "gt": return [UInt8(ascii: ">")]
        case "amp": return [UInt8(ascii: "&")]
        case "apos": return [UInt8(ascii: "'")]
        case "quot": return [UInt8(ascii: "\"")]
        case let reference where reference.hasPrefix("#"):
            let digits = reference.dropFirst()
            let value = digits.hasPrefix("x") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
            guard let value, value != 0, let scalar = Unicode.Scalar(value) else { throw .undefinedEntity(at: start) }
            return Array(String(Character(scalar)).utf8)
        default:
            throw .undefinedEntity(at: start)
        }
    }

    // MARK: Prolog, comments, helpers

    private mutating func skipMisc(declarationAllowed: Bool) throws(WeChatParseError) {
        var first = declarationAllowed
        while true {
            skipWhitespace()
            if first, peek("<?xml"), i + 5 < bytes.count, Self.isWhitespace(bytes[i + 5]) || bytes[i + 5] == UInt8(ascii: "?") {
                guard let close = find("?>") else { throw .syntax("unclosed XML declaration", at: i) }
                i = close + 2
            } else if peek("<!--") {
                try skipComment()
            } else if peek("<?") {
                throw .forbiddenProcessingInstruction(at: i)
            } else if peek("<!") {
                throw .forbiddenDeclaration(at: i)
            } else {
                return
            }
            first = false
        }
    }

    private mutating func skipComment() throws(WeChatParseError) {
        let start = i
        i += 4
        guard let close = find("-->") else { throw .syntax("unclosed comment", at: start) }
        i = close + 3
    }

    private mutating func skipWhitespace() {
        while i < bytes.count, Self.isWhitespace(bytes[i]) { i += 1 }
    }

    private func peek(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard i + count <= bytes.count else { return false }
        return literal.withUTF8Buffer { pattern in
            for k in 0..<count where bytes[i + k] != pattern[k] { return false }
            return true
        }
    }

    private func find(_ literal: StaticString) -> Int? {
        let count = literal.utf8CodeUnitCount
        return literal.withUTF8Buffer { pattern -> Int? in
            var j = i
            while j + count <= bytes.count {
                var matched = true
                for k in 0..<count where bytes[j + k] != pattern[k] {
                    matched = false
                    break
                }
                if matched { return j }
                j += 1
            }
            return nil
        }
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    static func isNameByte(_ byte: UInt8, first: Bool) -> Bool {
        let letter = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == UInt8(ascii: "_")
        if first { return letter }
        return letter || (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
    }
}
