#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file through a temporary sibling and renames it into place on `commit()`, so the
/// destination is either the old file or the complete new one, never a partial one. Abandoned
/// writers (errors, empty output) remove their temporary file.
public final class AtomicFileWriter {
    public let path: String
    public let temporaryPath: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private var finished = false
    public private(set) var bytesWritten = 0
    private static let flushThreshold = 1 << 20

    public init(path: String, mode: mode_t = 0o644) throws(DatasetError) {
        self.path = path
        let directory = Self.directory(of: path)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        var attempt = 0
        while true {
            let candidate = (directory == "." && !path.hasPrefix("./") ? "" : directory + "/") + ".\(name).tmp-\(getpid())-\(attempt)"
            let opened = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
            if opened >= 0 {
                fd = opened
                temporaryPath = candidate
                break
            }
            guard errno == EEXIST, attempt < 100 else { throw .unwritable(path: path, reason: String(cString: strerror(errno))) }
            attempt += 1
        }
        buffer.reserveCapacity(Self.flushThreshold + 4096)
    }

    deinit {
        if !finished { abandon() }
    }

    public func write(_ bytes: some Sequence<UInt8>) throws(DatasetError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    public func write(_ text: String) throws(DatasetError) {
        try write(text.utf8)
    }

    /// Appends already-encoded bytes without copying through a sequence.
    public func append(_ bytes: [UInt8]) throws(DatasetError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    private func flush() throws(DatasetError) {
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { raw in
                Glibc.write(fd, raw.baseAddress.map { $0 + offset }, raw.count - offset)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw .unwritable(path: path, reason: String(cString: strerror(errno)))
            }
            offset += n
        }
        bytesWritten += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, syncs and renames into place.
    public func commit() throws(DatasetError) {
        guard !finished else { return }
        do throws(DatasetError) {
            try flush()
        } catch {
            abandon()
            throw error
        }
        if fsync(fd) != 0 || close(fd) != 0 {
            let reason = String(cString: strerror(errno))
            finished = true
            unlink(temporaryPath)
            throw .unwritable(path: path, reason: reason)
        }
        finished = true
        guard rename(temporaryPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw .unwritable(path: path, reason: reason)
        }
        let dir = open(Self.directory(of: path), O_RDONLY | O_CLOEXEC)
        if dir >= 0 {
            fsync(dir)
            close(dir)
        }
    }

    /// Removes the temporary file; the destination is untouched.
    public func abandon() {
        guard !finished else { return }
        finished = true
        close(fd)
        unlink(temporaryPath)
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }
}
