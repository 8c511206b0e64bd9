/// Streams the records of a JSON file, one at a time, from fixed-size chunks: the elements of a
/// top-level array (flyrae) or the objects of JSON lines (efaqa, training files). Memory is one
/// chunk plus the largest record, whatever the file's size.
public struct RecordReader {
    /// What to do with a record that is not valid UTF-8.
    public enum InvalidUTF8Policy: String, Sendable, CaseIterable {
        case stop
        case skip
    }

    public enum Item {
        case record(JSONValue, SourcePosition)
        /// A record that could not be used; reading can go on.
        case skipped(DatasetError, SourcePosition)
    }

    public struct Configuration: Sendable {
        public var chunkSize = 1 << 20
        public var maxRecordBytes = 64 << 20
        public var invalidUTF8 = InvalidUTF8Policy.stop
        public init() {}
    }

    private var source: any ByteSource
    private let layout: InputLayout
    private let configuration: Configuration
    private var buffer: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    private var eof = false
    /// Absolute offset of `buffer[0]` in the stream.
    private var base = 0
    /// Line number at `buffer[start]` and the offset up to which lines were counted.
    private var line = 1
    private var countedUpTo = 0
    private var records = 0
    private var begun = false
    private var finished = false
    /// Bytes consumed so far (for progress).
    public var bytesRead: Int { base + start }

    public init(source: any ByteSource, layout: InputLayout, configuration: Configuration = Configuration()) {
        self.source = source
        self.layout = layout
        self.configuration = configuration
        self.buffer = .allocate(byteCount: max(configuration.chunkSize, 4096) * 2, alignment: 16)
    }

    /// Releases the buffer; call once when done (the reader is a value type without a deinit).
    public func close() {
        buffer.deallocate()
    }

    /// The next record, or nil at the end. Throws for problems that make the rest unreadable.
    public mutating func next() throws(DatasetError) -> Item? {
        guard !finished else { return nil }
        if !begun {
            try begin()
            if finished { return nil }
        }
        while true {
            let bytes = UnsafeBufferPointer(start: buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), count: end)
            if layout == .array {
                if let item = try nextArrayElement(bytes) { return item }
                if finished { return nil }
            } else {
                if let item = try nextLine(bytes) { return item }
                if finished { return nil }
            }
            try readMore()
        }
    }

    // MARK: Layouts

    private mutating func begin() throws(DatasetError) {
        begun = true
        while true {
            let bytes = UnsafeBufferPointer(start: buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), count: end)
            // A UTF-8 byte-order mark is tolerated on input (the checker flags it in training files).
            if end - start >= 3, bytes[start] == 0xEF, bytes[start + 1] == 0xBB, bytes[start + 2] == 0xBF { start += 3 }
            var i = start
            while i < end, Self.isSpace(bytes[i]) { i += 1 }
            if i == end {
                if eof { finished = true; return }
                try readMore()
                continue
            }
            let first = bytes[i]
            switch (layout, first) {
            case (.array, UInt8(ascii: "[")):
                advance(to: i + 1, in: bytes)
                return
            case (.array, UInt8(ascii: "{")):
                throw .wrongLayout(expected: .array, found: "the file starts with an object: it looks like JSON lines")
            case (.lines, UInt8(ascii: "[")):
                throw .wrongLayout(expected: .lines, found: "the file starts with '[': it looks like one JSON array")
            case (.lines, _):
                return
            default:
                throw .syntax(position(at: i, in: bytes), "the file does not start with '['")
            }
        }
    }

    private mutating func nextArrayElement(_ bytes: UnsafeBufferPointer<UInt8>) throws(DatasetError) -> Item? {
        var i = start
        while i < end, Self.isSpace(bytes[i]) || bytes[i] == UInt8(ascii: ",") {
            if bytes[i] == UInt8(ascii: ","), records == 0 { throw .syntax(position(at: i, in: bytes), "unexpected ','") }
            i += 1
        }
        guard i < end else {
            if eof { throw .truncated(position(at: start, in: bytes)) }
            return nil
        }
        if bytes[i] == UInt8(ascii: "]") {
            advance(to: i + 1, in: bytes)
            try finishArray()
            return nil
        }
        if records > 0, !sawComma(from: start, to: i, bytes) {
            throw .syntax(position(at: i, in: bytes), "expected ',' between array elements")
        }
        return try parseRecord(at: i, bytes)
    }

    /// After the closing bracket only whitespace may follow.
    private mutating func finishArray() throws(DatasetError) {
        while true {
            let bytes = UnsafeBufferPointer(start: buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), count: end)
            var k = start
            while k < end, Self.isSpace(bytes[k]) { k += 1 }
            if k < end { throw .syntax(position(at: k, in: bytes), "unexpected data after the closing ']'") }
            advance(to: k, in: bytes)
            if eof { break }
            try readMore()
        }
        finished = true
    }

    @inline(__always)
    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

    private func sawComma(from a: Int, to b: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for k in a..<b where bytes[k] == UInt8(ascii: ",") { return true }
        return false
    }

    private mutating func nextLine(_ bytes: UnsafeBufferPointer<UInt8>) throws(DatasetError) -> Item? {
        while true {
            var i = start
            while i < end, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0D { i += 1 }
            guard i < end else {
                if eof { advance(to: end, in: bytes); finished = true }
                return nil
            }
            if bytes[i] == 0x0A {
                advance(to: i + 1, in: bytes)
                continue
            }
            guard let newline = findNewline(from: i, bytes) else {
                if end - i > configuration.maxRecordBytes {
                    throw .recordTooLarge(position(at: i, in: bytes), limit: configuration.maxRecordBytes)
                }
                if !eof { return nil }
                return try parseLine(i, lineEnd: end, bytes)
            }
            return try parseLine(i, lineEnd: newline, bytes)
        }
    }

    private mutating func parseLine(_ i: Int, lineEnd: Int, _ bytes: UnsafeBufferPointer<UInt8>) throws(DatasetError) -> Item? {
        let at = position(at: i, in: bytes)
        defer { records += 1 }
        var parser = JSONParser(bytes: bytes, start: i, end: lineEnd)
        let outcome: Item
        do {
            let value = try parser.parseValue()
            parser.skipWhitespace()
            if parser.index < lineEnd {
                outcome = .skipped(.syntax(position(at: parser.index, in: bytes), "more than one JSON value on the line"), at)
            } else {
                outcome = .record(value, at)
            }
        } catch {
            switch error {
            case .needMore:
                outcome = .skipped(lineEnd == end && eof ? .truncated(at) : .syntax(at, "the JSON object does not end on its line"), at)
            case .syntax(let why, let offset):
                outcome = .skipped(.syntax(position(at: offset, in: bytes), why), at)
            case .invalidUTF8(let offset):
                let failure = DatasetError.invalidUTF8(position(at: offset, in: bytes))
                if configuration.invalidUTF8 == .stop { throw failure }
                outcome = .skipped(failure, at)
            }
        }
        advance(to: min(lineEnd + 1, end), in: bytes)
        return outcome
    }

    /// Parses the record starting at `i`; on `needMore` returns nil so more is read.
    private mutating func parseRecord(at i: Int, _ bytes: UnsafeBufferPointer<UInt8>) throws(DatasetError) -> Item? {
        var parser = JSONParser(bytes: bytes, start: i, end: end)
        do {
            let value = try parser.parseValue()
            let at = position(at: i, in: bytes)
            records += 1
            advance(to: parser.index, in: bytes)
            return .record(value, at)
        } catch {
            switch error {
            case .needMore:
                if eof { throw .truncated(position(at: i, in: bytes)) }
                if end - i > configuration.maxRecordBytes {
                    throw .recordTooLarge(position(at: i, in: bytes), limit: configuration.maxRecordBytes)
                }
                // Keep `start` before the separating comma so it is seen again after the refill.
                return nil
            case .syntax(let why, let offset):
                throw .syntax(position(at: offset, in: bytes), why)
            case .invalidUTF8(let offset):
                let failure = DatasetError.invalidUTF8(position(at: offset, in: bytes))
                if configuration.invalidUTF8 == .stop { throw failure }
                // The structure is intact: step over the element leniently and go on.
                var lenient = JSONParser(bytes: bytes, start: i, end: end, lenient: true)
                do {
                    _ = try lenient.parseValue()
                } catch {
                    guard case .needMore = error else { throw .syntax(position(at: i, in: bytes), "unreadable record") }
                    if eof { throw .truncated(position(at: i, in: bytes)) }
                    return nil
                }
                let at = position(at: i, in: bytes)
                records += 1
                advance(to: lenient.index, in: bytes)
                return .skipped(failure, at)
            }
        }
    }

    // MARK: Buffer and positions

    private func findNewline(from i: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard i < end, let base = bytes.baseAddress else { return nil }
        guard let found = memchr(base + i, 0x0A, end - i) else { return nil }
        return UnsafeRawPointer(found) - UnsafeRawPointer(base)
    }

    /// Counts lines up to `i` and makes it the new start.
    private mutating func advance(to i: Int, in bytes: UnsafeBufferPointer<UInt8>) {
        countLines(upTo: i, bytes)
        start = i
    }

    /// Line counting only moves forward, so positions asked in any order stay right.
    private mutating func countLines(upTo i: Int, _ bytes: UnsafeBufferPointer<UInt8>) {
        guard i > countedUpTo, let base = bytes.baseAddress else { return }
        var k = countedUpTo
        while k < i, let found = memchr(base + k, 0x0A, i - k) {
            line += 1
            k = (UnsafeRawPointer(found) - UnsafeRawPointer(base)) + 1
        }
        countedUpTo = i
    }

    /// Position of buffer index `i`; the record number is that of the record being read.
    private mutating func position(at i: Int, in bytes: UnsafeBufferPointer<UInt8>) -> SourcePosition {
        countLines(upTo: i, bytes)
        return SourcePosition(line: line, byteOffset: base + i, record: records + 1)
    }

    /// Moves unread bytes to the front, grows the buffer if a record fills it, and reads a chunk.
    private mutating func readMore() throws(DatasetError) {
        guard !eof else { return }
        if start > 0 {
            let remaining = end - start
            if remaining > 0, let to = buffer.baseAddress {
                to.copyMemory(from: to + start, byteCount: remaining)
            }
            base += start
            countedUpTo -= start
            end = remaining
            start = 0
        }
        if buffer.count - end < configuration.chunkSize {
            let grown = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 16)
            if end > 0, let to = grown.baseAddress, let from = buffer.baseAddress { to.copyMemory(from: from, byteCount: end) }
            buffer.deallocate()
            buffer = grown
        }
        let target = UnsafeMutableRawBufferPointer(rebasing: buffer[end..<(end + configuration.chunkSize)])
        let n = try source.read(into: target)
        if n == 0 { eof = true }
        end += n
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
