/// Decompresses a gzip file (RFC 1952) on the fly: header, DEFLATE body, CRC-32 and length check,
/// and concatenated members (as `cat a.gz b.gz` produces).
public struct GzipByteSource: ByteSource {
    private enum State {
        case header
        case body
        case end
    }

    private var inflater: Inflater
    private var state = State.header
    private var crc = CRC32()
    private var memberSize: UInt32 = 0
    private var members = 0
    private let path: String

    public init(_ source: any ByteSource, path: String = "<gzip>") {
        self.inflater = Inflater(source: source)
        self.path = path
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(DatasetError) -> Int {
        while true {
            switch state {
            case .end:
                return 0
            case .header:
                guard try readHeader() else {
                    state = .end
                    if members == 0 { throw .gzip("\(path) is empty") }
                    return 0
                }
                state = .body
            case .body:
                let n = try inflater.inflate(into: buffer)
                if n > 0 {
                    crc.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                    memberSize &+= UInt32(truncatingIfNeeded: n)
                    return n
                }
                try readTrailer()
                members += 1
                inflater.reset()
                crc = CRC32()
                memberSize = 0
                state = .header
            }
        }
    }

    /// Returns false at a clean end of input between members.
    private mutating func readHeader() throws(DatasetError) -> Bool {
        guard let id1 = try inflater.readByte() else { return false }
        // Padding zeros after the last member are tolerated, as gzip(1) does.
        if id1 == 0, members > 0 {
            while let byte = try inflater.readByte() {
                guard byte == 0 else { throw .gzip("trailing garbage after member \(members)") }
            }
            return false
        }
        guard id1 == 0x1F, try byte() == 0x8B else {
            throw members == 0 ? .gzip("not a gzip file") : .gzip("trailing garbage after member \(members)")
        }
        guard try byte() == 8 else { throw .gzip("unsupported compression method") }
        let flags = try byte()
        for _ in 0..<6 { _ = try byte() }  // mtime, xfl, os
        if flags & 0x04 != 0 {  // FEXTRA
            let length = Int(try byte()) | Int(try byte()) << 8
            for _ in 0..<length { _ = try byte() }
        }
        if flags & 0x08 != 0 { while try byte() != 0 {} }  // FNAME
        if flags & 0x10 != 0 { while try byte() != 0 {} }  // FCOMMENT
        if flags & 0x02 != 0 { _ = try byte(); _ = try byte() }  // FHCRC
        return true
    }

    private mutating func readTrailer() throws(DatasetError) {
        let expectedCRC = try word()
        let expectedSize = try word()
        guard expectedCRC == crc.value else { throw .gzip("CRC-32 mismatch in member \(members + 1)") }
        guard expectedSize == memberSize else { throw .gzip("length mismatch in member \(members + 1)") }
    }

    private mutating func byte() throws(DatasetError) -> UInt8 {
        guard let value = try inflater.readByte() else { throw .gzip("unexpected end of file") }
        return value
    }

    private mutating func word() throws(DatasetError) -> UInt32 {
        var value: UInt32 = 0
        for shift in stride(from: 0, to: 32, by: 8) {
            value |= UInt32(try byte()) << UInt32(shift)
        }
        return value
    }
}

/// CRC-32 (IEEE 802.3, reflected), as gzip uses.
struct CRC32 {
    private(set) var state: UInt32 = 0xFFFF_FFFF

    var value: UInt32 { ~state }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var c = state
        for byte in bytes {
            c = Self.table[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8)
        }
        state = c
    }

    static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }
}
