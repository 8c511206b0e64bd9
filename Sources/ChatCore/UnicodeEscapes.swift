import Foundation

/// Decodes literal `\uXXXX` sequences (including surrogate pairs) in text. A model fine-tuned on
/// JSONL written with escaped non-ASCII learns to emit such sequences; users must never see them.
public enum UnicodeEscapes {
    /// True when the text contains at least one literal `\uXXXX` sequence.
    public static func containsEscape(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i + 5 < scalars.count {
            if scalars[i] == "\\", scalars[i + 1] == "u", (2...5).allSatisfy({ isHex(scalars[i + $0]) }) { return true }
            i += 1
        }
        return false
    }

    public static func decode(_ text: String) -> String {
        guard text.contains("\\u") else { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            if let (unit, next) = hexUnit(scalars, at: i) {
                if (0xD800...0xDBFF).contains(unit), let (low, after) = hexUnit(scalars, at: next),
                   (0xDC00...0xDFFF).contains(low)
                {
                    let value = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    if let scalar = Unicode.Scalar(value) {
                        out.append(scalar)
                        i = after
                        continue
                    }
                }
                if let scalar = Unicode.Scalar(unit) {
                    out.append(scalar)
                    i = next
                    continue
                }
                // A lone surrogate: drop it rather than show garbage.
                i = next
                continue
            }
            out.append(scalars[i])
            i += 1
        }
        return String(out)
    }

    private static func hexUnit(_ s: [Unicode.Scalar], at i: Int) -> (UInt32, Int)? {
        guard i + 6 <= s.count, s[i] == "\\", s[i + 1] == "u" else { return nil }
        var value: UInt32 = 0
        for k in 2..<6 {
            guard let digit = hexValue(s[i + k]) else { return nil }
            value = value << 4 | digit
        }
        return (value, i + 6)
    }

    private static func isHex(_ c: Unicode.Scalar) -> Bool { hexValue(c) != nil }

    private static func hexValue(_ c: Unicode.Scalar) -> UInt32? {
        switch c.value {
        case 0x30...0x39: c.value - 0x30
        case 0x41...0x46: c.value - 0x41 + 10
        case 0x61...0x66: c.value - 0x61 + 10
        default: nil
        }
    }
}
