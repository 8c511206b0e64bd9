import ChatCore
import Foundation

/// The cleaning rules of `dataset prepare`, applied to every question and answer in this order:
/// 1. literal `\uXXXX` text decoded (double-escaped dumps);
/// 2. HTML entities decoded and line-break tags (`<br>`, `<p>`, `</div>` …) turned into newlines;
/// 3. `\r\n` and `\r` → `\n`; zero-width, direction and other control characters removed;
///    every kind of space (tab, no-break, ideographic) → a plain space;
/// 4. runs of spaces → one space, spaces at line ends removed, more than one blank line → one;
/// 5. URLs, e-mail addresses, phone numbers and QQ/WeChat ids replaced by placeholders (`Redactor`);
/// 6. trimmed.
public struct TextCleaner: Sendable {
    public struct Options: Sendable, Equatable {
        public var redact = true
        public var decodeHTML = true
        public init() {}
    }

    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    public func clean(_ text: String) -> String {
        var t = text
        if ByteSearch.contains(t, byte: 0x5C), UnicodeEscapes.containsEscape(t) { t = UnicodeEscapes.decode(t) }
        if options.decodeHTML, ByteSearch.contains(t, either: 0x26, or: 0x3C) { t = HTMLText.decode(t) }
        t = Self.normalizeWhitespace(t)
        if options.redact { t = Redactor.redact(t) }
        return t
    }

    /// Steps 3, 4 and 6 in one pass over the UTF-8 bytes (a scalar-by-scalar `String` build was
    /// the slowest part of preparing a corpus).
    static func normalizeWhitespace(_ text: String) -> String {
        var copy = text
        return copy.withUTF8 { s in
            var out: [UInt8] = []
            out.reserveCapacity(s.count)
            var pendingSpace = false
            var newlines = 0
            var lineHasContent = false
            var any = false
            var previousCR = false
            var i = 0
            while i < s.count {
                let b = s[i]
                var length = 1
                var kind = Kind.content
                switch b {
                case 0x0D: kind = .carriageReturn
                case 0x0A: kind = .lineFeed
                case 0x09, 0x0B, 0x0C, 0x20: kind = .space
                case 0..<0x20, 0x7F: kind = .drop
                case 0x80...:
                    length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
                    if i + length > s.count { length = s.count - i }
                    kind = classify(s, i, length)
                default: break
                }
                switch kind {
                case .carriageReturn:
                    previousCR = true
                    newlines += 1
                    pendingSpace = false
                    lineHasContent = false
                case .lineFeed:
                    if !previousCR { newlines += 1 }
                    previousCR = false
                    pendingSpace = false
                    lineHasContent = false
                case .space:
                    previousCR = false
                    if lineHasContent { pendingSpace = true }
                case .drop:
                    previousCR = false
                case .content:
                    previousCR = false
                    if any, newlines > 0 {
                        out.append(0x0A)
                        if newlines > 1 { out.append(0x0A) }
                    } else if pendingSpace {
                        out.append(0x20)
                    }
                    newlines = 0
                    pendingSpace = false
                    lineHasContent = true
                    any = true
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: s[i..<(i + length)]))
                }
                i += length
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    private enum Kind {
        case content, space, drop, lineFeed, carriageReturn
    }

    /// Zero-width, direction and C1 control characters are dropped; Unicode spaces become spaces.
    private static func classify(_ s: UnsafeBufferPointer<UInt8>, _ i: Int, _ length: Int) -> Kind {
        let value: UInt32
        switch length {
        case 2: value = UInt32(s[i] & 0x1F) << 6 | UInt32(s[i + 1] & 0x3F)
        case 3: value = UInt32(s[i] & 0x0F) << 12 | UInt32(s[i + 1] & 0x3F) << 6 | UInt32(s[i + 2] & 0x3F)
        default: return .content
        }
        switch value {
        case 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2064, 0xFEFF, 0x00AD, 0x180E: return .drop
        case 0xA0, 0x3000, 0x2000...0x200A, 0x202F, 0x205F, 0x1680, 0x85, 0x2028, 0x2029: return .space
        case 0x80...0x9F: return .drop
        default:
            return .content
        }
    }
}

/// HTML entities and the few tags that stand for line breaks in scraped forum text.
enum HTMLText {
    static func decode(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var rest = text[...]
        while let index = rest.firstIndex(where: { $0 == "&" || $0 == "<" }) {
            out += rest[..<index]
            rest = rest[index...]
            if rest.first == "&", let semicolon = rest.prefix(12).firstIndex(of: ";") {
                let name = rest[rest.index(after: rest.startIndex)..<semicolon]
                if let decoded = entity(String(name)) {
                    out += decoded
                    rest = rest[rest.index(after: semicolon)...]
                    continue
                }
            }
            if rest.first == "<", let close = rest.prefix(40).firstIndex(of: ">") {
                let tag = rest[rest.index(after: rest.startIndex)..<close].lowercased()
                let body = tag.drop(while: { $0 == "/" })
                let name = body.prefix(while: { $0.isASCII && ($0.isLetter || $0.isNumber) })
                let after = body.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
                // A tag is a bare name (`<br>`, `</p>`, `<br/>`) or a name with attributes (`<a href=…>`);
                // `a<b and 3 > 2` is text.
                let isTag = !name.isEmpty && (after.isEmpty || after == "/" || (body.dropFirst(name.count).first == " " && after.contains("=")))
                if isTag, lineBreakTags.contains(String(name)) {
                    out += "\n"
                    rest = rest[rest.index(after: close)...]
                    continue
                }
                if isTag, inlineTags.contains(String(name)) {
                    rest = rest[rest.index(after: close)...]
                    continue
                }
            }
            out.append(rest.removeFirst())
        }
        out += rest
        return out
    }

    private static let lineBreakTags: Set<String> = ["br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4"]
    private static let inlineTags: Set<String> = ["b", "i", "u", "em", "strong", "span", "font", "a", "img", "ul", "ol", "small"]

    private static func entity(_ name: String) -> String? {
        if name.hasPrefix("#x") || name.hasPrefix("#X") {
            return UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
        }
        if name.hasPrefix("#") {
            return UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
        }
        return named[name]
    }

    private static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "ensp": " ", "emsp": " ",
        "hellip": "…", "mdash": "—", "ndash": "–", "ldquo": "“", "rdquo": "”", "lsquo": "‘", "rsquo": "’",
        "middot": "·", "times": "×", "copy": "©", "reg": "®", "deg": "°", "laquo": "«", "raquo": "»",
    ]
}
