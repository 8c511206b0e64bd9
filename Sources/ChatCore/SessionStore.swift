import Foundation

/// Errors a store reports. The text never contains user data.
public enum StoreError: Error, Sendable, Equatable {
    /// The data directory or database cannot be written (full disk, read-only mount, permissions).
    case unavailable(String)
    /// A stored record could not be read and was set aside.
    case corrupt(String)
}

/// Per-user session state. Implementations: the file store (default) and PostgreSQL.
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
