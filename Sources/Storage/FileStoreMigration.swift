import ChatCore
import Foundation
import GRDB
import Logging

/// The one-time import of the old file store (`inbox/`, `sessions/`) into `heartline.db`, at the
/// first start of a Heartline with the embedded database:
///
/// 1. Unanswered messages, dedupe keys (with kept replies) and sessions are written in ONE
///    transaction, with a marker in `store_meta`.
/// 2. The old folders are then moved into `file-store-backup/` (kept, never read again).
///
/// A crash between the two steps is harmless: the marker says the import is done, and the next
/// start only moves the folders. The old store's lock is taken first, so an old Heartline still
/// running on the same directory makes the start fail instead of losing its writes.
struct FileStoreMigration {
    static let marker = "file-store-imported"
    let store: SQLiteStore

    var backupDirectory: String { store.directory + "/file-store-backup" }

    func runIfNeeded() throws {
        let legacy = LegacyFileStore(dataDirectory: store.directory)
        guard legacy.exists else { return }
        var oldLock: DirectoryLock?
        if FileManager.default.fileExists(atPath: legacy.inboxDirectory) {
            oldLock = try DirectoryLock(path: legacy.inboxDirectory + "/lock")
        }
        let done = try store.read("read the store marker") { db in
            try String.fetchOne(db, sql: "SELECT value FROM store_meta WHERE key = ?", arguments: [Self.marker]) != nil
        }
        if !done { try importContents(legacy.read()) }
        try moveAside(legacy)
        _ = oldLock
    }

    private func importContents(_ contents: LegacyFileStore.Contents) throws {
        let codec = store.codec
        var pending = 0
        var keys = 0
        do {
            try store.pool.write { db in
                for (id, item) in contents.items {
                    switch item {
                    case .pending(let entry):
                        try db.execute(
                            sql: "INSERT OR IGNORE INTO inbox(id, user, recorded_at, entry) VALUES (?, ?, ?, ?)",
                            arguments: [id, entry.userHash.value, entry.recordedAt.timeIntervalSince1970, codec.encode(entry)]
                        )
                        pending += 1
                    case .done(let at, let user, let reply):
                        // The old log did not record the channel of answered ids.
                        try db.execute(sql: "INSERT OR IGNORE INTO dedupe(id, channel, at) VALUES (?, 'imported', ?)", arguments: [id, at.timeIntervalSince1970])
                        if let user, let reply {
                            try db.execute(
                                sql: "INSERT OR IGNORE INTO replies(id, user, at, reply) VALUES (?, ?, ?, ?)",
                                arguments: [id, user, at.timeIntervalSince1970, codec.encode(reply)]
                            )
                        }
                        keys += 1
                    }
                }
                for (user, session) in contents.sessions {
                    let delta = SessionDelta.plan(previous: .placeholder, new: session, key: "imported")
                    try delta.change(user: user, codec: codec)(db)
                }
                try db.execute(
                    sql: "INSERT OR REPLACE INTO store_meta(key, value) VALUES (?, ?)",
                    arguments: [Self.marker, ISO8601DateFormatter().string(from: store.now())]
                )
            }
        } catch {
            throw StoreError.unavailable("cannot import the old file store: \(error)")
        }
        store.logger.notice(
            "old file store imported into heartline.db; its files are kept in file-store-backup/",
            metadata: [
                "inbox.pending": "\(pending)", "inbox.keys": "\(keys)", "session.count": "\(contents.sessions.count)",
                "store.unreadable_lines": "\(contents.unreadableLines)", "store.unreadable_sessions": "\(contents.unreadableSessions)",
            ]
        )
    }

    private func moveAside(_ legacy: LegacyFileStore) throws {
        try PosixFile.makeDirectory(backupDirectory)
        let stamp = Int(store.now().timeIntervalSince1970)
        for source in [legacy.inboxDirectory, legacy.sessionsDirectory, legacy.quarantineDirectory]
        where FileManager.default.fileExists(atPath: source) {
            let name = (source as NSString).lastPathComponent
            var target = backupDirectory + "/" + name
            if FileManager.default.fileExists(atPath: target) { target += "-\(stamp)" }
            do {
                try PosixFile.rename(source, target)
            } catch {
                throw StoreError.unavailable("cannot move \(name)/ into file-store-backup/: \(error)")
            }
        }
        try? PosixFile.syncDirectory(store.directory)
    }
}
