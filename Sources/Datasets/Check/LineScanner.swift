#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file line by line as raw bytes (no decoding), reporting how each line ended, so the
/// checker can see what a JSON reader would hide: `\r\n` endings, a BOM, a missing final newline.
public struct LineScanner {
    public enum Terminator: Sendable {
        case lf
        case crlf
        /// The last line of a file without a final newline.
        case none
    }

    public struct Line {
        /// The line's bytes without its terminator (valid until the next call).
        public var bytes: UnsafeBufferPointer<UInt8>
        public var number: Int
        public var byteOffset: Int
        public var terminator: Terminator
    }

    private var source: any ByteSource
    private var buffer: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    private var eof = false
    private var base = 0
    private var number = 0
    private let chunkSize: Int
    private let maxLineBytes: Int

    public init(source: any ByteSource, chunkSize: Int = 1 << 20, maxLineBytes: Int = 64 << 20) {
        self.source = source
        self.chunkSize = chunkSize
        self.maxLineBytes = maxLineBytes
        self.buffer = .allocate(byteCount: chunkSize * 2, alignment: 16)
    }

    public func close() { buffer.deallocate() }

    /// Bytes consumed so far.
    public var bytesRead: Int { base + start }

    public mutating func next() throws(DatasetError) -> Line? {
        while true {
            guard let raw = buffer.baseAddress else { return nil }
            let bytes = raw.assumingMemoryBound(to: UInt8.self)
            if start < end, let found = memchr(bytes + start, 0x0A, end - start) {
                let newline = UnsafeMutableRawPointer(found) - raw
                var lineEnd = newline
                var terminator = Terminator.lf
                if lineEnd > start, bytes[lineEnd - 1] == 0x0D {
                    lineEnd -= 1
                    terminator = .crlf
                }
                number += 1
                let line = Line(bytes: UnsafeBufferPointer(start: bytes + start, count: lineEnd - start), number: number, byteOffset: base + start, terminator: terminator)
                start = newline + 1
                return line
            }
            if eof {
                guard start < end else { return nil }
                number += 1
                let line = Line(bytes: UnsafeBufferPointer(start: bytes + start, count: end - start), number: number, byteOffset: base + start, terminator: .none)
                start = end
                return line
            }
            if end - start > maxLineBytes {
                throw .recordTooLarge(SourcePosition(line: number + 1, byteOffset: base + start, record: number + 1), limit: maxLineBytes)
            }
            try readMore()
        }
    }

    private mutating func readMore() throws(DatasetError) {
        if start > 0, let raw = buffer.baseAddress {
            let remaining = end - start
            if remaining > 0 { raw.copyMemory(from: raw + start, byteCount: remaining) }
            base += start
            end = remaining
            start = 0
        }
        if buffer.count - end < chunkSize {
            let grown = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 16)
            if end > 0, let to = grown.baseAddress, let from = buffer.baseAddress { to.copyMemory(from: from, byteCount: end) }
            buffer.deallocate()
            buffer = grown
        }
        let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[end..<(end + chunkSize)]))
        if n == 0 { eof = true }
        end += n
    }
}
