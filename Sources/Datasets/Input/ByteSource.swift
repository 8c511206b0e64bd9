#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Something that hands out bytes in order: a file, a gzip stream over a file, or memory (tests).
/// Reads are synchronous: dataset commands are batch jobs that own their thread.
public protocol ByteSource {
    /// Fills up to `buffer.count` bytes and returns how many were written; 0 means the end.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(DatasetError) -> Int
}

/// Reads a file with `read(2)`; nothing is mapped or loaded whole, so memory stays flat
/// whatever the file's size.
public struct FileByteSource: ByteSource {
    private let handle: FileHandleBox
    public let path: String

    public init(path: String) throws(DatasetError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw .unreadable(path: path, reason: "is a directory")
        }
        self.handle = FileHandleBox(fd: fd)
        self.path = path
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(DatasetError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let n = systemRead(handle.fd, base, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
    }

    /// The size of a file in bytes, or nil when it cannot be read.
    public static func size(of path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int(info.st_size)
    }
}

#if canImport(Glibc)
private let systemRead = Glibc.read
#else
private let systemRead = Darwin.read
#endif

/// Owns a file descriptor and closes it when the last copy of the source goes away.
final class FileHandleBox {
    let fd: Int32
    init(fd: Int32) { self.fd = fd }
    deinit { close(fd) }
}

/// Bytes held in memory; used by tests and for small inputs.
public struct MemoryByteSource: ByteSource {
    private let bytes: [UInt8]
    private var offset = 0
    /// At most this many bytes per read, so tests exercise chunk boundaries.
    private let maxRead: Int

    public init(_ bytes: [UInt8], maxRead: Int = .max) {
        self.bytes = bytes
        self.maxRead = max(1, maxRead)
    }

    public init(_ text: String, maxRead: Int = .max) {
        self.init(Array(text.utf8), maxRead: maxRead)
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(DatasetError) -> Int {
        let n = min(buffer.count, bytes.count - offset, maxRead)
        guard n > 0, let target = buffer.baseAddress else { return 0 }
        bytes.withUnsafeBytes { src in
            if let base = src.baseAddress { target.copyMemory(from: base + offset, byteCount: n) }
        }
        offset += n
        return n
    }
}

/// Reads one chunk into an array's storage (Array's closure APIs do not carry typed throws).
func readChunk(_ source: inout some ByteSource, into bytes: inout [UInt8]) throws(DatasetError) -> Int {
    var outcome: Result<Int, DatasetError> = .success(0)
    bytes.withUnsafeMutableBytes { buffer in
        do throws(DatasetError) {
            outcome = .success(try source.read(into: buffer))
        } catch {
            outcome = .failure(error)
        }
    }
    return try outcome.get()
}

func readChunk(_ source: inout any ByteSource, into bytes: inout [UInt8]) throws(DatasetError) -> Int {
    var outcome: Result<Int, DatasetError> = .success(0)
    bytes.withUnsafeMutableBytes { buffer in
        do throws(DatasetError) {
            outcome = .success(try source.read(into: buffer))
        } catch {
            outcome = .failure(error)
        }
    }
    return try outcome.get()
}

/// Opens dataset files, transparently decompressing gzip (detected by its magic bytes, not by
/// the file name, so `corpus.utf8.gz` and a renamed file both work).
public enum DatasetInput {
    public static func open(path: String) throws(DatasetError) -> any ByteSource {
        try open(path: path, counter: ByteCounter())
    }
}
