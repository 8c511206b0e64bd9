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
        if t.utf8.contains(0x5C), UnicodeEscapes.containsEscape(t) { t = UnicodeEscapes.decode(t) }
        if options.decodeHTML, t.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C }) { t = HTMLText.decode(t) }
        t = Self.normalizeWhitespace(t)
        if options.redact { t = Redactor.redact(t) }
        return t
    }

    /// Steps 3, 4 and 6 in one pass over the scalars.
    static func normalizeWhitespace(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        var newlines = 0
        var lineHasContent = false
        var any = false
        var previousCR = false
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v == 0x0D { previousCR = true; newlines += 1; pendingSpace = false; lineHasContent = false; continue }
            if v == 0x0A {
                if !previousCR { newlines += 1 }
                previousCR = false
                pendingSpace = false
                lineHasContent = false
                continue
            }
            previousCR = false
            switch v {
            case 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2064, 0xFEFF, 0x00AD, 0x180E:
                continue
            case 0x09, 0x20, 0xA0, 0x3000, 0x2000...0x200A, 0x202F, 0x205F, 0x1680, 0x0B, 0x0C, 0x85, 0x2028, 0x2029:
                if lineHasContent { pendingSpace = true }
                continue
            case 0..<0x20, 0x7F...0x9F:
                continue
            default:
                break
            }
            if any, newlines > 0 {
                out.append("\n")
                if newlines > 1 { out.append("\n") }
            } else if pendingSpace {
                out.append(" ")
            }
            newlines = 0
            pendingSpace = false
            lineHasContent = true
            any = true
            out.append(scalar)
        }
        return String(out)
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
