import ChatCore
import Foundation

/// Reads the file store that Heartline used before the embedded database, for the one-time
/// import (`FileStoreMigration`):
///
/// - `inbox/inbox.log`: JSON lines, `t` = `a` (accepted entry `e`), `d` (done: `id`, `at`, reply
///   `r`), `k` (dedupe key kept by compaction: `id`, `at`, user `u`, reply `r`), `p` (purge user
///   `u`'s kept replies). A last line without its newline was cut by a crash and never
///   acknowledged.
/// - `sessions/<hash>.json`: one `Session` per user.
///
/// `at` is seconds since 1970; dates inside entries, replies and sessions are milliseconds.
struct LegacyFileStore {
    struct Record: Codable {
        var t: String
        var id: String?
        var u: String?
        var at: Double?
        var e: InboxEntry?
        var r: Reply?
    }

    enum Item {
        case pending(InboxEntry)
        case done(at: Date, user: String?, reply: Reply?)
    }

    struct Contents {
        var items: [String: Item] = [:]
        var sessions: [(UserHash, Session)] = []
        var unreadableLines = 0
        var unreadableSessions = 0
    }

    let dataDirectory: String

    var inboxDirectory: String { dataDirectory + "/inbox" }
    var sessionsDirectory: String { dataDirectory + "/sessions" }
    var quarantineDirectory: String { dataDirectory + "/quarantine" }

    /// Whether anything of the old store is present.
    var exists: Bool {
        FileManager.default.fileExists(atPath: inboxDirectory + "/inbox.log") || FileManager.default.fileExists(atPath: sessionsDirectory)
    }

    func read() throws -> Contents {
        var contents = Contents()
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        if let bytes = try PosixFile.read(inboxDirectory + "/inbox.log", limit: Int.max) {
            var start = 0
            while start < bytes.count {
                guard let end = bytes[start...].firstIndex(of: 0x0A) else {
                    contents.unreadableLines += 1
                    break
                }
                defer { start = end + 1 }
                guard end > start else { continue }
                guard let record = try? decoder.decode(Record.self, from: Data(bytes[start..<end])) else {
                    contents.unreadableLines += 1
                    continue
                }
                Self.apply(record, to: &contents.items)
            }
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: sessionsDirectory)) ?? []
        for name in names.sorted() where name.hasSuffix(".json") {
            let hash = String(name.dropLast(5))
            guard let bytes = try? PosixFile.read(sessionsDirectory + "/" + name, limit: 4 << 20),
                  let session = try? decoder.decode(Session.self, from: Data(bytes)), session.version <= Session.currentVersion
            else {
                contents.unreadableSessions += 1
                continue
            }
            contents.sessions.append((UserHash(hash), session))
        }
        return contents
    }

    static func apply(_ record: Record, to items: inout [String: Item]) {
        switch record.t {
        case "a":
            guard let entry = record.e, items[entry.id] == nil else { return }
            items[entry.id] = .pending(entry)
        case "d", "k":
            guard let id = record.id, let at = record.at else { return }
            if record.t == "k", items[id] != nil { return }
            var user = record.u
            if case .pending(let entry) = items[id] { user = entry.userHash.value }
            items[id] = .done(at: Date(timeIntervalSince1970: at), user: user, reply: record.r)
        case "p":
            guard let user = record.u else { return }
            for (id, item) in items {
                if case .done(let at, let owner, _) = item, owner == user { items[id] = .done(at: at, user: nil, reply: nil) }
            }
        default:
            break
        }
    }
}
