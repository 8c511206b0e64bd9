/// Counts bytes read from disk, so progress of a gzip file follows the compressed size. A class
/// because the reader owns a copy of the source and the caller watches the count.
public final class ByteCounter {
    public private(set) var value = 0

    public init() {}

    func add(_ n: Int) { value += n }
}

/// Passes reads through and counts them.
struct CountingByteSource: ByteSource {
    var inner: any ByteSource
    let counter: ByteCounter

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(DatasetError) -> Int {
        let n = try inner.read(into: buffer)
        counter.add(n)
        return n
    }
}

extension DatasetInput {
    /// Opens a file (gzip detected by magic bytes) and counts the bytes read from disk.
    public static func open(path: String, counter: ByteCounter) throws(DatasetError) -> any ByteSource {
        var probe = try FileByteSource(path: path)
        var magic = [UInt8](repeating: 0, count: 2)
        let n = try readChunk(&probe, into: &magic)
        let file = CountingByteSource(inner: try FileByteSource(path: path), counter: counter)
        if n == 2, magic[0] == 0x1F, magic[1] == 0x8B {
            return GzipByteSource(file, path: path)
        }
        return file
    }
}

extension DatasetInput {
    /// `.array` when the first non-space character is `[`, else `.lines` (generic inputs accept both).
    public static func detectLayout(path: String) throws(DatasetError) -> InputLayout {
        var source = try open(path: path)
        var head = [UInt8](repeating: 0, count: 4096)
        let n = try readChunk(&source, into: &head)
        var i = 0
        if n >= 3, head[0] == 0xEF, head[1] == 0xBB, head[2] == 0xBF { i = 3 }
        while i < n, head[i] == 0x20 || head[i] == 0x0A || head[i] == 0x0D || head[i] == 0x09 { i += 1 }
        return i < n && head[i] == UInt8(ascii: "[") ? .array : .lines
    }
}
