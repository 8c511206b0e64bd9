import ChatCore
import Foundation

/// Small whole-file state (a polling offset, a list of blocked chats) written atomically and
/// durably, for modules that must not reach into the store's internals.
public enum DurableFile {
    /// The file's bytes, nil when it does not exist.
    public static func read(_ path: String, limit: Int = 16 << 20) throws -> [UInt8]? {
        try PosixFile.read(path, limit: limit)
    }

    /// Replaces the file (mode 0600): temp file, fsync, rename, directory fsync. A reader sees the
    /// old or the new content, never a mix, even after a crash.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try PosixFile.makeDirectory(directory.isEmpty ? "." : directory)
        do {
            try PosixFile.writeAtomically(bytes, to: path, directory: directory.isEmpty ? "." : directory)
        } catch {
            throw StoreError.unavailable("cannot write \(path): \(error)")
        }
    }
}
