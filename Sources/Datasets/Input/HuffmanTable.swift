/// A canonical Huffman code as a single-level lookup table indexed by the next `bits` input bits
/// (least significant first, as DEFLATE packs them). Entry: `symbol << 4 | codeLength`; 0 = no code.
struct HuffmanTable {
    private(set) var entries: [UInt16]
    private(set) var bits: Int

    /// Builds the table from code lengths per symbol (RFC 1951 §3.2.2). Returns nil for an
    /// over-subscribed code; incomplete codes are accepted (a lone distance code is legal).
    init?(lengths: [UInt8]) {
        var counts = [Int](repeating: 0, count: 16)
        var maxLength = 0
        for length in lengths where length > 0 {
            counts[Int(length)] += 1
            maxLength = max(maxLength, Int(length))
        }
        bits = max(maxLength, 1)
        entries = [UInt16](repeating: 0, count: 1 << bits)
        guard maxLength > 0 else { return }

        var left = 1
        for length in 1...15 {
            left = (left << 1) - counts[length]
            if left < 0 { return nil }
        }
        var nextCode = [Int](repeating: 0, count: 16)
        var code = 0
        for length in 1...15 {
            code = (code + counts[length - 1]) << 1
            nextCode[length] = code
        }
        nextCode[0] = 0
        for (symbol, length8) in lengths.enumerated() where length8 > 0 {
            let length = Int(length8)
            let canonical = nextCode[length]
            nextCode[length] += 1
            var reversed = 0
            for i in 0..<length where canonical & (1 << i) != 0 {
                reversed |= 1 << (length - 1 - i)
            }
            let entry = UInt16(symbol << 4 | length)
            var index = reversed
            while index < entries.count {
                entries[index] = entry
                index += 1 << length
            }
        }
    }

    /// The fixed literal/length code of block type 1.
    static let fixedLiterals: HuffmanTable = {
        var lengths = [UInt8](repeating: 8, count: 288)
        for i in 144..<256 { lengths[i] = 9 }
        for i in 256..<280 { lengths[i] = 7 }
        // A valid table by construction.
        return HuffmanTable(lengths: lengths) ?? HuffmanTable(empty: ())
    }()

    /// The fixed distance code of block type 1.
    static let fixedDistances: HuffmanTable = HuffmanTable(lengths: [UInt8](repeating: 5, count: 30)) ?? HuffmanTable(empty: ())

    private init(empty: Void) {
        entries = [0, 0]
        bits = 1
    }
}
