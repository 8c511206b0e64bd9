import ChatCore

/// `TextNormalizer.fold`, computed faster for corpora: the same mapping (tests compare the two),
/// but CJK characters are checked against a bitmap of the Traditional→Simplified keys before any
/// dictionary lookup, and the result is built as UTF-8 bytes.
enum Folding {
    private static let table = TextNormalizer.traditionalToSimplified
    /// One bit per code point in the BMP CJK blocks that has a mapping.
    private static let mapped: [UInt64] = {
        var bits = [UInt64](repeating: 0, count: 0x10000 / 64)
        for key in table.keys where key.value < 0x10000 {
            bits[Int(key.value) >> 6] |= 1 << UInt64(key.value & 63)
        }
        return bits
    }()

    static func fold(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            let v = scalar.value
            switch v {
            case 0x41...0x5A:
                out.append(UInt8(v + 0x20))
            case 0x0A, 0x09, 0x20...0x40, 0x5B...0x7F:
                out.append(UInt8(v))
            case 0..<0x20:
                out.append(0x20)
            case 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2064, 0xFEFF, 0x00AD:
                continue
            case 0xFF01...0xFF5E:
                let ascii = v - 0xFEE0
                out.append(UInt8((0x41...0x5A).contains(ascii) ? ascii + 0x20 : ascii))
            case 0x3000:
                out.append(0x20)
            default:
                if v < 0x10000, mapped[Int(v) >> 6] & (1 << UInt64(v & 63)) != 0, let simplified = table[scalar] {
                    append(simplified, to: &out)
                } else if v >= 0x80, v < 0x2E80, scalar.properties.isUppercase {
                    out.append(contentsOf: String(scalar).lowercased().utf8)
                } else {
                    append(scalar, to: &out)
                }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always)
    private static func append(_ scalar: Unicode.Scalar, to out: inout [UInt8]) {
        if let encoded = UTF8.encode(scalar) { out.append(contentsOf: encoded) }
    }
}
