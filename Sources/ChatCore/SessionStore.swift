import Foundation

/// Errors a store reports. The text never contains user data.
public enum StoreError: Error, Sendable, Equatable {
    /// The data directory or database cannot be written (full disk, read-only mount, permissions).
    case unavailable(String)
    /// A stored record could not be read and was set aside.
    case corrupt(String)
}

/// Per-user session state. Implementations: the embedded SQLite store (default) and PostgreSQL.
public protocol SessionStore: Sendable {
    /// The user's session, or nil when there is none (never stored, forgotten, expired or
    /// quarantined because it was unreadable).
    func load(_ user: UserHash) async throws -> Session?
    /// Stores the session atomically: a reader sees the old or the new version, never a mix.
    func save(_ session: Session, for user: UserHash) async throws
    /// Deletes everything stored for the user.
    func delete(_ user: UserHash) async throws
    /// Deletes sessions idle since before `cutoff`; returns how many were removed.
    func sweep(idleSince cutoff: Date) async throws -> Int
}

/// What the worker is answering, visible to the stores while the pipeline runs, so that the
/// embedded store can hold a session change back and commit it in the same transaction as the
/// entry's completion (one durable commit per answer) and key the new turn by the entry, so that
/// a replayed message cannot add its turn twice. Stores that commit at once ignore it.
public enum StoreContext {
    @TaskLocal public static var entryID: String?
}
