import ArgumentParser
import ChatCore
import Foundation
import HeartlineServer
import PostgresStore
import Storage

/// `heartline store …`: tools for the embedded store (`<data>/heartline.db`).
struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Check the embedded store. A backup is one command: sqlite3 .heartline/heartline.db \".backup backup.db\"",
        subcommands: [StoreCheck.self, StoreMigrate.self]
    )
}

/// `heartline store check`: SQLite's integrity check plus the store's own invariants. Safe while
/// a server runs on the same directory (it only reads). With `store` set to a PostgreSQL URL:
/// the schema version and the inbox's invariants there.
struct StoreCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Verify the store (heartline.db, or PostgreSQL when `store` is a postgres:// URL) and its invariants; exits 1 on a problem."
    )

    @OptionGroup var common: CommonOptions

    func run() async throws {
        let settings = try await common.settings()
        if let postgres = try StoreMigrate.postgresConfiguration(settings) {
            let report = try await PostgresStore.check(postgres)
            print("store: \(postgres)")
            print(report)
            if !report.ok { throw ExitCode(1) }
            return
        }
        let path = settings.dataDirectory + "/" + SQLiteStore.fileName
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("no store at \(path) (it is created by the first `heartline serve`)")
        }
        var options = SQLiteStore.Options()
        options.exclusive = false
        // The check reads stored rows only; it never hashes an id, so no key is needed.
        let hasher = HMACUserKeyHasher(key: Array(repeating: 0, count: 32))
        let store = try SQLiteStore(dataDirectory: settings.dataDirectory, hasher: hasher, options: options)
        let report = try store.check()
        print("store: \(path)")
        print(report)
        if !report.ok { throw ExitCode(1) }
    }
}
