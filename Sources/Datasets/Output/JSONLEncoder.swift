/// Encodes JSON lines by hand: real UTF-8 for every non-ASCII character (never `\uXXXX`, which a
/// fine-tuned model would learn to emit), `\n`/`\t`/`\"`/`\\` escapes, other control characters as
/// `\u00XX` (JSON requires it), keys in the order given.
public enum JSONLEncoder {
    public static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(0x22)
        var copy = text
        copy.withUTF8 { bytes in
            var runStart = 0
            for (i, b) in bytes.enumerated() where b < 0x20 || b == 0x22 || b == 0x5C {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
                runStart = i + 1
                switch b {
                case 0x22: out.append(contentsOf: [0x5C, 0x22])
                case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
                case 0x09: out.append(contentsOf: [0x5C, 0x74])
                case 0x0D: out.append(contentsOf: [0x5C, 0x72])
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        }
        out.append(0x22)
    }

    /// `{"k1":"v1","k2":"v2"}` for string members.
    public static func appendObject(_ members: [(String, String)], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (index, member) in members.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendString(member.0, to: &out)
            out.append(UInt8(ascii: ":"))
            appendString(member.1, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// Any parsed value, re-encoded (used by `--fix` to keep lines it does not change intact).
    public static func appendValue(_ value: JSONValue, to out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: Array("null".utf8))
        case .bool(let b): out.append(contentsOf: Array((b ? "true" : "false").utf8))
        case .number(let n):
            let text = n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
            out.append(contentsOf: Array(text.utf8))
        case .string(let s): appendString(s, to: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                appendValue(element, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, member) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                appendString(member.key, to: &out)
                out.append(UInt8(ascii: ":"))
                appendValue(member.value, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}
