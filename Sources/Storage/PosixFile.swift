import ChatCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin, throwing wrappers over the POSIX calls the file store needs for durability. Foundation's
/// atomic writes do not fsync, so they are not enough here.
enum PosixFile {
    struct Failure: Error, CustomStringConvertible {
        let operation: String
        let errno: Int32
        var description: String { "\(operation) failed: \(String(cString: strerror(errno))) (errno \(errno))" }
        var isNotFound: Bool { errno == ENOENT }
    }

    static func check(_ result: Int32, _ operation: String) throws(Failure) {
        if result < 0 { throw Failure(operation: operation, errno: errno) }
    }

    /// Creates a directory (and parents) with mode 0700 if missing.
    static func makeDirectory(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw StoreError.unavailable("\(path) exists and is not a directory") }
            return
        }
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]
            )
        } catch {
            throw StoreError.unavailable("cannot create \(path): \(error.localizedDescription)")
        }
    }

    /// Creates the file empty with mode 0600 when it does not exist.
    static func touch(_ path: String) throws(Failure) {
        Glibc.close(try open(path, flags: O_RDWR | O_CREAT, mode: 0o600))
    }

    static func open(_ path: String, flags: Int32, mode: mode_t = 0o600) throws(Failure) -> Int32 {
        let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
        if fd < 0 { throw Failure(operation: "open", errno: errno) }
        return fd
    }

    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(operation: "write", errno: errno)
            }
            offset += n
        }
    }

    static func writeAll(_ fd: Int32, _ data: [UInt8]) throws(Failure) {
        let failure = data.withUnsafeBytes { buffer -> Failure? in
            do {
                try writeAll(fd, buffer)
                return nil
            } catch let error as Failure {
                return error
            } catch {
                return Failure(operation: "write", errno: EIO)
            }
        }
        if let failure { throw failure }
    }

    static func fsync(_ fd: Int32) throws(Failure) {
        try check(Glibc.fsync(fd), "fsync")
    }

    static func fdatasync(_ fd: Int32) throws(Failure) {
        try check(Glibc.fdatasync(fd), "fdatasync")
    }

    /// fsyncs a directory so that renames and unlinks inside it survive a crash.
    static func syncDirectory(_ path: String) throws(Failure) {
        let fd = try open(path, flags: O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        try fsync(fd)
    }

    /// Flushes every dirty page of the filesystem holding `fd` (one call for a batch of files).
    static func syncFilesystem(_ fd: Int32) throws(Failure) {
        #if os(Linux)
        try check(c_syncfs(fd), "syncfs")
        #else
        try fsync(fd)
        #endif
    }

    static func rename(_ from: String, _ to: String) throws(Failure) {
        try check(Glibc.rename(from, to), "rename")
    }

    static func unlink(_ path: String) throws(Failure) {
        if Glibc.unlink(path) < 0, errno != ENOENT { throw Failure(operation: "unlink", errno: errno) }
    }

    /// Reads a whole file; nil when it does not exist.
    static func read(_ path: String, limit: Int = 64 << 20) throws -> [UInt8]? {
        let fd: Int32
        do {
            fd = try open(path, flags: O_RDONLY)
        } catch {
            if error.isNotFound { return nil }
            throw error
        }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(operation: "read", errno: errno)
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
            if out.count > limit { throw StoreError.corrupt("file larger than \(limit) bytes") }
        }
        return out
    }

    /// Writes a file atomically and durably: temp file, write, fsync, rename, directory fsync.
    static func writeAtomically(_ bytes: [UInt8], to path: String, directory: String) throws(Failure) {
        let temp = path + ".tmp"
        let fd = try open(temp, flags: O_WRONLY | O_CREAT | O_TRUNC, mode: 0o600)
        do {
            try writeAll(fd, bytes)
            try fsync(fd)
        } catch {
            close(fd)
            try? unlink(temp)
            throw error
        }
        close(fd)
        try rename(temp, path)
        try syncDirectory(directory)
    }

    /// Modification time of a file in seconds since 1970, nil if missing.
    static func modificationTime(_ path: String) -> Double? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
    }
}

#if os(Linux)
/// `syncfs(2)`; Glibc's module map hides it behind `_GNU_SOURCE`.
@_silgen_name("syncfs")
private func c_syncfs(_ fd: Int32) -> Int32
#endif
