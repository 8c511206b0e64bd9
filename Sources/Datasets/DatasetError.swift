/// Where something is in an input file: 1-based line, 0-based byte offset (in the decompressed
/// stream for gzip files) and 1-based record number.
public struct SourcePosition: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var byteOffset: Int
    public var record: Int

    public init(line: Int, byteOffset: Int, record: Int) {
        self.line = line
        self.byteOffset = byteOffset
        self.record = record
    }

    public var description: String { "line \(line), byte \(byteOffset)" }
}

/// How an input file is laid out.
public enum InputLayout: String, Sendable {
    /// One JSON array of objects (flyrae).
    case array
    /// One JSON object per line (efaqa, training files).
    case lines
}

/// Errors of the dataset tools. Messages name files, lines and byte offsets, never content.
public enum DatasetError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case unwritable(path: String, reason: String)
    /// Not valid UTF-8 at the given position (the offset is the first bad byte).
    case invalidUTF8(SourcePosition)
    /// Not JSON where JSON was expected.
    case syntax(SourcePosition, String)
    /// The file ends inside a record.
    case truncated(SourcePosition)
    /// A single record is larger than the limit.
    case recordTooLarge(SourcePosition, limit: Int)
    /// The layout is not the expected one (an array where lines were expected or vice versa).
    case wrongLayout(expected: InputLayout, found: String)
    /// A corrupt or unsupported gzip stream.
    case gzip(String)
    /// Nothing would be written.
    case emptyOutput(String)
    case invalidOption(String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
        case .unwritable(let path, let reason): "cannot write \(path): \(reason)"
        case .invalidUTF8(let at): "invalid UTF-8 at \(at) (record \(at.record))"
        case .syntax(let at, let why): "invalid JSON at \(at) (record \(at.record)): \(why)"
        case .truncated(let at):
            "the file ends inside record \(at.record), which starts at \(at): the JSON is truncated"
        case .recordTooLarge(let at, let limit):
            "record \(at.record) at \(at) is larger than \(limit) bytes (raise --max-record-bytes if it is genuine)"
        case .wrongLayout(.lines, let found):
            "expected JSON lines (one object per line) but \(found)"
        case .wrongLayout(.array, let found):
            "expected one JSON array of objects but \(found)"
        case .gzip(let why): "gzip data is corrupt: \(why)"
        case .emptyOutput(let why): "nothing to write: \(why)"
        case .invalidOption(let why): why
        }
    }
}
