import ChatCore

/// Walks the examples of a training file line by line, keeping each line's raw bytes so that
/// split and sampling copy lines exactly. Lines that are not usable stop the walk with their line
/// number: these commands expect a file that `dataset check` passes.
public struct TrainingFileReader {
    public struct Example {
        public var line: TrainingLine
        public var raw: UnsafeBufferPointer<UInt8>
        public var number: Int
    }

    private var scanner: LineScanner
    private let path: String

    public init(path: String) throws(DatasetError) {
        self.path = path
        self.scanner = LineScanner(source: try DatasetInput.open(path: path))
    }

    public func close() { scanner.close() }

    public mutating func next() throws(DatasetError) -> Example? {
        while let line = try scanner.next() {
            var bytes = line.bytes
            if line.number == 1, bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
                bytes = UnsafeBufferPointer(rebasing: bytes[3...])
            }
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            let position = SourcePosition(line: line.number, byteOffset: line.byteOffset, record: line.number)
            var parser = JSONParser(bytes: bytes, start: 0, end: bytes.count)
            let value: JSONValue
            do {
                value = try parser.parseValue()
            } catch .invalidUTF8(let offset) {
                throw .invalidUTF8(SourcePosition(line: line.number, byteOffset: line.byteOffset + offset, record: line.number))
            } catch {
                if line.number == 1, bytes.first == UInt8(ascii: "[") { throw .wrongLayout(expected: .lines, found: "\(path) starts with '[': it looks like one JSON array") }
                throw .syntax(position, "not a JSON object (run `heartline dataset check`)")
            }
            switch TrainingLine.interpret(value) {
            case .success(let interpreted):
                var end = bytes.count
                while end > 0, bytes[end - 1] == 0x0D || bytes[end - 1] == 0x20 { end -= 1 }
                return Example(line: interpreted, raw: UnsafeBufferPointer(rebasing: bytes[0..<end]), number: line.number)
            case .failure(let why):
                throw .syntax(position, why.description + " (run `heartline dataset check`)")
            }
        }
        return nil
    }
}
