import ChatCore
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Sessions as one JSON file per user under `<data>/sessions/`, named by the user's keyed hash,
/// mode 0600. Writes are atomic and durable (temp file, fsync, rename, directory fsync), grouped so
/// that concurrent saves share one filesystem sync. An unreadable file is moved to
/// `<data>/quarantine/` and logged; the user starts a new session.
public final class FileSessionStore: SessionStore {
    private struct PendingWrite: Sendable {
        var user: UserHash
        var bytes: [UInt8]
    }

    public let directory: String
    public let quarantineDirectory: String
    private let logger: Logger
    private let committer: GroupCommitter<PendingWrite>
    private let encoder: JSONEncoder
    private let decoder: JSONDecoder

    public init(dataDirectory: String, logger: Logger = Logger(label: "heartline.store.sessions")) throws {
        let directory = dataDirectory + "/sessions"
        let quarantine = dataDirectory + "/quarantine"
        try PosixFile.makeDirectory(directory)
        try PosixFile.makeDirectory(quarantine)
        self.directory = directory
        self.quarantineDirectory = quarantine
        self.logger = logger
        self.encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        self.decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        self.committer = GroupCommitter(label: "heartline.sessions.commit") { [directory] batch in
            try Self.commit(batch, directory: directory)
        }
        Self.removeLeftoverTempFiles(in: directory)
    }

    public func load(_ user: UserHash) async throws -> Session? {
        let path = try filePath(user)
        let bytes: [UInt8]?
        do {
            bytes = try PosixFile.read(path, limit: 4 << 20)
        } catch let error as StoreError {
            quarantine(path, user: user, reason: "\(error)")
            return nil
        } catch {
            throw StoreError.unavailable("cannot read session: \(error)")
        }
        guard let bytes else { return nil }
        do {
            let session = try decoder.decode(Session.self, from: Data(bytes))
            guard session.version <= Session.currentVersion else {
                quarantine(path, user: user, reason: "unknown version \(session.version)")
                return nil
            }
            return session
        } catch {
            quarantine(path, user: user, reason: "undecodable")
            return nil
        }
    }

    public func save(_ session: Session, for user: UserHash) async throws {
        _ = try filePath(user)
        let bytes = try [UInt8](encoder.encode(session))
        do {
            try await committer.submit(PendingWrite(user: user, bytes: bytes))
        } catch let error as PosixFile.Failure {
            throw StoreError.unavailable("cannot write session: \(error)")
        }
    }

    public func delete(_ user: UserHash) async throws {
        let path = try filePath(user)
        let quarantineDirectory = quarantineDirectory
        let directory = directory
        do {
            try await committer.exclusive {
                try PosixFile.unlink(path)
                try PosixFile.unlink(path + ".tmp")
                try PosixFile.syncDirectory(directory)
                // Quarantined copies belong to the user too.
                let prefix = user.value + "-"
                for name in (try? FileManager.default.contentsOfDirectory(atPath: quarantineDirectory)) ?? []
                where name.hasPrefix(prefix) {
                    try PosixFile.unlink(quarantineDirectory + "/" + name)
                }
                try PosixFile.syncDirectory(quarantineDirectory)
            }
        } catch let error as PosixFile.Failure {
            throw StoreError.unavailable("cannot delete session: \(error)")
        }
    }

    public func sweep(idleSince cutoff: Date) async throws -> Int {
        let directory = directory
        let limit = cutoff.timeIntervalSince1970
        return try await committer.exclusive {
            var removed = 0
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for name in names where name.hasSuffix(".json") {
                let path = directory + "/" + name
                guard let mtime = PosixFile.modificationTime(path), mtime < limit else { continue }
                try PosixFile.unlink(path)
                removed += 1
            }
            if removed > 0 { try PosixFile.syncDirectory(directory) }
            return removed
        }
    }

    // MARK: Internals

    /// The session file of a user. The hash is validated so it can never escape the directory.
    private func filePath(_ user: UserHash) throws -> String {
        guard !user.value.isEmpty, user.value.count <= 128,
              user.value.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) })
        else { throw StoreError.unavailable("invalid user hash") }
        return directory + "/" + user.value + ".json"
    }

    private func quarantine(_ path: String, user: UserHash, reason: String) {
        let stamp = Int(Date().timeIntervalSince1970 * 1000)
        let target = quarantineDirectory + "/" + user.value + "-\(stamp).json"
        do {
            try PosixFile.rename(path, target)
            try PosixFile.syncDirectory(directory)
            logger.error(
                "unreadable session file quarantined; the user starts a new session",
                metadata: ["chat.user": "\(user.short)", "store.reason": "\(reason)"]
            )
        } catch {
            logger.error("unreadable session file could not be quarantined", metadata: ["chat.user": "\(user.short)", "error": "\(error)"])
        }
    }

    /// Writes a batch: every temp file, one filesystem sync, every rename, one directory sync.
    /// Several saves of the same user in one batch collapse into the newest.
    private static func commit(_ batch: [PendingWrite], directory: String) throws {
        var newest: [UserHash: [UInt8]] = [:]
        var order: [UserHash] = []
        for write in batch {
            if newest.updateValue(write.bytes, forKey: write.user) == nil { order.append(write.user) }
        }
        var written: [(temp: String, final: String)] = []
        var anchor: Int32 = -1
        defer { if anchor >= 0 { close(anchor) } }
        for user in order {
            let final = directory + "/" + user.value + ".json"
            let temp = final + ".tmp"
            let fd = try PosixFile.open(temp, flags: O_WRONLY | O_CREAT | O_TRUNC, mode: 0o600)
            do {
                try PosixFile.writeAll(fd, newest[user]!)
                if order.count == 1 { try PosixFile.fsync(fd) }
            } catch {
                close(fd)
                try? PosixFile.unlink(temp)
                throw error
            }
            if anchor < 0, order.count > 1 { anchor = fd } else { close(fd) }
            written.append((temp, final))
        }
        if anchor >= 0 { try PosixFile.syncFilesystem(anchor) }
        for file in written { try PosixFile.rename(file.temp, file.final) }
        try PosixFile.syncDirectory(directory)
    }

    private static func removeLeftoverTempFiles(in directory: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where name.hasSuffix(".tmp") {
            try? PosixFile.unlink(directory + "/" + name)
        }
    }
}
