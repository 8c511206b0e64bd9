#if canImport(Glibc)
import Foundation
import Glibc
#endif
import ChatCore

/// An exclusive `flock` on a file, held for the object's lifetime, so that two processes never
/// append to the same inbox log. The kernel releases it when the process dies, even by SIGKILL.
final class DirectoryLock: Sendable {
    private let fd: Int32

    init(path: String) throws {
        let fd: Int32
        do {
            fd = try PosixFile.open(path, flags: O_RDWR | O_CREAT, mode: 0o600)
        } catch {
            throw StoreError.unavailable("cannot open \(path): \(error)")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            close(fd)
            throw StoreError.unavailable("another Heartline process is using this data directory (\(path) is locked)")
        }
        self.fd = fd
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
