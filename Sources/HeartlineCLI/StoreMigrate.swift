import ArgumentParser
import HeartlineServer
import PostgresStore

/// `heartline store migrate`: applies the PostgreSQL schema migrations ahead of a rollout, so that
/// instances of the new version start without waiting on the migration lock. Instances also
/// migrate at start; running it twice, or beside running instances, is safe (advisory lock, each
/// version once). The embedded store migrates itself when it opens.
struct StoreMigrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply the PostgreSQL schema migrations (store = a postgres:// URL); the embedded store migrates itself."
    )

    @OptionGroup var common: CommonOptions

    func run() async throws {
        let settings = try await common.settings()
        guard let postgres = try Self.postgresConfiguration(settings) else {
            print("the embedded store applies its migrations when it opens (`heartline serve`); nothing to do")
            return
        }
        let applied = try await PostgresStore.migrate(postgres)
        print("store: \(postgres)")
        print(applied.isEmpty
            ? "schema current (version \(PostgresStore.latestSchemaVersion))"
            : "applied: \(applied.map(String.init).joined(separator: ",")) (now at version \(PostgresStore.latestSchemaVersion))")
    }

    /// The PostgreSQL target when `store` is a postgres:// URL; nil for the embedded store.
    static func postgresConfiguration(_ settings: HeartlineSettings) throws -> PostgresStoreConfiguration? {
        guard settings.store.hasPrefix("postgres://") || settings.store.hasPrefix("postgresql://") else { return nil }
        do {
            return try PostgresStoreConfiguration(url: settings.store)
        } catch {
            throw ValidationError(error.description)
        }
    }
}
