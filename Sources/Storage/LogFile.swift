import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The inbox's append-only file. Only the inbox's group committer touches it, so calls are
/// serialised; `size` is read from other threads and kept in an atomic-like mutex.
final class LogFile: Sendable {
    let path: String
    let directory: String
    private let state = Mutex<(fd: Int32, size: Int)>((-1, 0))

    init(path: String, directory: String) {
        self.path = path
        self.directory = directory
    }

    var size: Int { state.withLock { $0.size } }

    /// Appends a batch of lines with one write and one fdatasync.
    func append(_ batch: [[UInt8]]) throws {
        let fd = state.withLock { $0.fd }
        guard fd >= 0 else { throw PosixFile.Failure(operation: "append (log closed)", errno: EBADF) }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(batch.reduce(0) { $0 + $1.count })
        for line in batch { buffer.append(contentsOf: line) }
        try PosixFile.writeAll(fd, buffer)
        try PosixFile.fdatasync(fd)
        state.withLock { $0.size += buffer.count }
    }

    /// Replaces the log atomically with `records` and reopens it for appending.
    func rewrite(_ records: [FileInbox.Record]) throws {
        var buffer: [UInt8] = []
        for record in records { buffer.append(contentsOf: try FileInbox.encode(record)) }
        try PosixFile.writeAtomically(buffer, to: path, directory: directory)
        let fd = try PosixFile.open(path, flags: O_WRONLY | O_APPEND)
        let old = state.withLock { s -> Int32 in
            let old = s.fd
            s = (fd, buffer.count)
            return old
        }
        if old >= 0 { close(old) }
    }

    deinit {
        let fd = state.withLock { $0.fd }
        if fd >= 0 { close(fd) }
    }
}
