import ArgumentParser
import ChatCore
import Foundation
import HeartlineServer
import PostgresStore
import Storage

/// `heartline feedback …`: what users said about the answers (👍/👎 on the mini-program page).
struct FeedbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feedback",
        abstract: "Summarise answer feedback (👍/👎) from the configured store.",
        subcommands: [FeedbackReportCommand.self]
    )
}

/// `heartline feedback report [--since DAYS] [--json]`: votes by source, safety tier, intent and
/// answer, worst first, and the reasons given. Reads the configured store (embedded, or PostgreSQL
/// when `store` is a postgres:// URL); safe while a server runs (it only reads).
struct FeedbackReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Votes by source, tier, intent and answer (worst first) and the reasons given."
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "Only votes cast in the last DAYS days.")
    var since: Int = 30

    @Option(help: "Rows shown per grouping (text output).")
    var limit: Int = 20

    @Flag(help: "Print the whole report as JSON.")
    var json = false

    func validate() throws {
        guard (1...3650).contains(since) else { throw ValidationError("--since must be between 1 and 3650 days") }
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        let settings = try await common.settings()
        let start = Date().addingTimeInterval(-Double(since) * 24 * 3600)
        let tallies: [FeedbackTally]
        let place: String
        if let postgres = try StoreMigrate.postgresConfiguration(settings) {
            tallies = try await PostgresStore.feedbackTallies(postgres, since: start)
            place = "\(postgres)"
        } else {
            let path = settings.dataDirectory + "/" + SQLiteStore.fileName
            guard FileManager.default.fileExists(atPath: path) else {
                throw ValidationError("no store at \(path) (it is created by the first `heartline serve`)")
            }
            var options = SQLiteStore.Options()
            options.exclusive = false
            // The report reads stored rows only; it never hashes an id, so no key is needed.
            let store = try SQLiteStore(dataDirectory: settings.dataDirectory, hasher: HMACUserKeyHasher(key: Array(repeating: 0, count: 32)), options: options)
            tallies = try await store.feedback.tallies(since: start)
            place = path
        }
        let report = FeedbackReport(tallies: tallies, since: start)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print("store: \(place)")
            print(report.text(limit: limit))
        }
    }
}
