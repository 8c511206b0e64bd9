/// A streaming DEFLATE decoder (RFC 1951), written here so `Datasets` needs no zlib: the efaqa
/// corpus ships as gzip, and a pure-Swift decoder keeps the module dependency-free and testable on
/// its own. It pulls compressed bytes from a `ByteSource` and fills the caller's buffer, keeping
/// only the 32 KiB window, so memory stays flat.
struct Inflater {
    private enum Phase {
        case blockHeader
        case stored(remaining: Int)
        case compressed
        case finished
    }

    private var source: any ByteSource
    private var input = [UInt8](repeating: 0, count: 1 << 16)
    private var inputPosition = 0
    private var inputEnd = 0
    private var inputExhausted = false
    private var bitBuffer: UInt64 = 0
    private var bitCount = 0

    private var phase = Phase.blockHeader
    private var lastBlock = false
    private var literals = HuffmanTable.fixedLiterals
    private var distances = HuffmanTable.fixedDistances
    private var pendingLength = 0
    private var pendingDistance = 0
    private var window = [UInt8](repeating: 0, count: 1 << 15)
    private var windowPosition = 0
    /// Bytes produced since the stream started (distances may not reach before it).
    private var produced = 0

    init(source: any ByteSource) {
        self.source = source
    }

    var isFinished: Bool { if case .finished = phase { true } else { false } }

    /// Starts a new DEFLATE stream on the same input (the next gzip member).
    mutating func reset() {
        phase = .blockHeader
        lastBlock = false
        pendingLength = 0
        produced = 0
    }

    // MARK: Input

    private mutating func refill() throws(DatasetError) -> Bool {
        guard !inputExhausted else { return false }
        let n = try readChunk(&source, into: &input)
        inputPosition = 0
        inputEnd = n
        if n == 0 { inputExhausted = true }
        return n > 0
    }

    /// Tops the bit buffer up to at least `count` bits if the input allows.
    @inline(__always)
    private mutating func fill(_ count: Int) throws(DatasetError) {
        while bitCount < count {
            if inputPosition == inputEnd, !(try refill()) { return }
            bitBuffer |= UInt64(input[inputPosition]) << UInt64(bitCount)
            inputPosition += 1
            bitCount += 8
        }
    }

    private mutating func take(_ count: Int) throws(DatasetError) -> Int {
        guard count > 0 else { return 0 }
        try fill(count)
        guard bitCount >= count else { throw .gzip("unexpected end of compressed data") }
        let value = Int(bitBuffer & ((1 << UInt64(count)) - 1))
        bitBuffer >>= UInt64(count)
        bitCount -= count
        return value
    }

    /// Drops bits up to the next byte boundary (before stored blocks and gzip trailers).
    mutating func alignToByte() {
        let drop = bitCount % 8
        bitBuffer >>= UInt64(drop)
        bitCount -= drop
    }

    /// One byte-aligned byte, or nil at the end of input.
    mutating func readByte() throws(DatasetError) -> UInt8? {
        alignToByte()
        try fill(8)
        guard bitCount >= 8 else { return nil }
        let byte = UInt8(bitBuffer & 0xFF)
        bitBuffer >>= 8
        bitCount -= 8
        return byte
    }

    private mutating func decode(_ table: HuffmanTable) throws(DatasetError) -> Int {
        try fill(table.bits)
        let entry = Int(table.entries[Int(bitBuffer & ((1 << UInt64(table.bits)) - 1))])
        let length = entry & 0xF
        guard length > 0, length <= bitCount else { throw .gzip(length == 0 ? "invalid Huffman code" : "unexpected end of compressed data") }
        bitBuffer >>= UInt64(length)
        bitCount -= length
        return entry >> 4
    }

    // MARK: Output

    /// Fills `out` with decompressed bytes; returns 0 only when the stream has ended.
    mutating func inflate(into out: UnsafeMutableRawBufferPointer) throws(DatasetError) -> Int {
        let target = out.bindMemory(to: UInt8.self)
        var written = 0
        while written < target.count {
            if pendingLength > 0 {
                let n = min(pendingLength, target.count - written)
                for _ in 0..<n {
                    let byte = window[(windowPosition - pendingDistance) & 0x7FFF]
                    emit(byte, to: target, at: &written)
                }
                pendingLength -= n
                continue
            }
            switch phase {
            case .finished:
                return written
            case .blockHeader:
                if lastBlock { phase = .finished; continue }
                try readBlockHeader()
            case .stored(let remaining):
                if remaining == 0 { phase = .blockHeader; continue }
                guard let byte = try readByte() else { throw .gzip("unexpected end of stored block") }
                emit(byte, to: target, at: &written)
                phase = .stored(remaining: remaining - 1)
            case .compressed:
                let symbol = try decode(literals)
                if symbol < 256 {
                    emit(UInt8(symbol), to: target, at: &written)
                } else if symbol == 256 {
                    phase = .blockHeader
                } else {
                    let index = symbol - 257
                    guard index < 29 else { throw .gzip("invalid length symbol") }
                    let length = Self.lengthBase[index] + (try take(Self.lengthExtra[index]))
                    let distanceSymbol = try decode(distances)
                    guard distanceSymbol < 30 else { throw .gzip("invalid distance symbol") }
                    let distance = Self.distanceBase[distanceSymbol] + (try take(Self.distanceExtra[distanceSymbol]))
                    guard distance <= produced, distance <= 1 << 15 else { throw .gzip("distance too far back") }
                    pendingLength = length
                    pendingDistance = distance
                }
            }
        }
        return written
    }

    @inline(__always)
    private mutating func emit(_ byte: UInt8, to target: UnsafeMutableBufferPointer<UInt8>, at index: inout Int) {
        target[index] = byte
        index += 1
        window[windowPosition & 0x7FFF] = byte
        windowPosition &+= 1
        produced += 1
    }

    private mutating func readBlockHeader() throws(DatasetError) {
        lastBlock = try take(1) == 1
        switch try take(2) {
        case 0:
            alignToByte()
            let length = try take(16)
            let complement = try take(16)
            guard length == ~complement & 0xFFFF else { throw .gzip("stored block length check failed") }
            phase = .stored(remaining: length)
        case 1:
            literals = .fixedLiterals
            distances = .fixedDistances
            phase = .compressed
        case 2:
            try readDynamicTables()
            phase = .compressed
        default:
            throw .gzip("reserved block type")
        }
    }

    private mutating func readDynamicTables() throws(DatasetError) {
        let literalCount = try take(5) + 257
        let distanceCount = try take(5) + 1
        let codeLengthCount = try take(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else { throw .gzip("too many codes") }
        var codeLengthLengths = [UInt8](repeating: 0, count: 19)
        for i in 0..<codeLengthCount {
            codeLengthLengths[Self.codeLengthOrder[i]] = UInt8(try take(3))
        }
        guard let codeLengths = HuffmanTable(lengths: codeLengthLengths) else { throw .gzip("bad code length code") }
        var lengths: [UInt8] = []
        lengths.reserveCapacity(literalCount + distanceCount)
        while lengths.count < literalCount + distanceCount {
            let symbol = try decode(codeLengths)
            switch symbol {
            case 0...15:
                lengths.append(UInt8(symbol))
            case 16:
                guard let previous = lengths.last else { throw .gzip("repeat with no previous length") }
                lengths.append(contentsOf: repeatElement(previous, count: 3 + (try take(2))))
            case 17:
                lengths.append(contentsOf: repeatElement(0, count: 3 + (try take(3))))
            default:
                lengths.append(contentsOf: repeatElement(0, count: 11 + (try take(7))))
            }
        }
        guard lengths.count == literalCount + distanceCount else { throw .gzip("code lengths overrun") }
        guard lengths[256] > 0 else { throw .gzip("no end-of-block code") }
        guard let literalTable = HuffmanTable(lengths: Array(lengths[0..<literalCount])),
              let distanceTable = HuffmanTable(lengths: Array(lengths[literalCount...]))
        else { throw .gzip("over-subscribed Huffman code") }
        literals = literalTable
        distances = distanceTable
    }

    private static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
    private static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    private static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    private static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    private static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
}
