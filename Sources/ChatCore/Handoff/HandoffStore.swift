import Foundation

/// Durable handoffs. Implementations: the embedded SQLite store and PostgreSQL. Every method
/// commits before it returns.
public protocol HandoffStore: Sendable {
    /// The user's most recent handoff that is not closed (without its messages), if any.
    func active(for user: UserHash) async throws -> Handoff?
    /// The user's most recent handoff whatever its state (without its messages), if any: the
    /// mini-program page polls it, and must see the closing notice of a closed one.
    func latest(for user: UserHash) async throws -> Handoff?
    /// One handoff with its last `messageLimit` messages, oldest first.
    func handoff(id: String, messageLimit: Int) async throws -> Handoff?
    /// Handoffs in these states, most recently updated first, each with its last `messageLimit`
    /// messages.
    func list(statuses: Set<Handoff.Status>, limit: Int, messageLimit: Int) async throws -> [Handoff]
    /// Stores a new handoff (its `messages` are ignored: append them).
    func insert(_ handoff: Handoff) async throws
    /// Writes the handoff's state (status, times) if its stored status is still `expecting`;
    /// false when another writer changed it first (the caller re-reads).
    func update(_ handoff: Handoff, expecting: Handoff.Status) async throws -> Bool
    /// Appends a message; a message whose id the handoff already holds is ignored (replays).
    func append(_ message: HandoffMessage, to handoffID: String) async throws
    /// Deletes every handoff of the user and their messages (`/forget`).
    func delete(_ user: UserHash) async throws
}
