import Foundation
import Synchronization
@testable import ChatCore

/// In-memory session store; can be told to fail.
final class MemorySessionStore: SessionStore, Sendable {
    let sessions = Mutex<[UserHash: Session]>([:])
    let failing = Mutex(false)

    func load(_ user: UserHash) async throws -> Session? {
        if failing.withLock({ $0 }) { throw StoreError.unavailable("test") }
        return sessions.withLock { $0[user] }
    }

    func save(_ session: Session, for user: UserHash) async throws {
        if failing.withLock({ $0 }) { throw StoreError.unavailable("test") }
        sessions.withLock { $0[user] = session }
    }

    func delete(_ user: UserHash) async throws {
        sessions.withLock { $0[user] = nil }
    }

    func sweep(idleSince cutoff: Date) async throws -> Int {
        sessions.withLock { all in
            let old = all.filter { $0.value.updatedAt < cutoff }.map(\.key)
            for key in old { all[key] = nil }
            return old.count
        }
    }
}

/// In-memory inbox recording calls.
final class MemoryInbox: Inbox, Sendable {
    let entries = Mutex<[String: (InboxEntry, Reply?, Bool)]>([:])
    let purged = Mutex<[UserHash]>([])
    let hasher = PlainHasher()

    func record(_ message: InboundMessage, userHash: UserHash) async throws -> InboxRecordResult {
        let id = hasher.inboxID(for: message)
        return entries.withLock { all in
            if let existing = all[id] {
                return existing.2 ? .duplicateDone(id: id, reply: existing.1) : .duplicatePending(id: id)
            }
            let entry = InboxEntry(id: id, userHash: userHash, message: message, recordedAt: message.receivedAt)
            all[id] = (entry, nil, false)
            return .accepted(entry)
        }
    }

    func complete(_ id: String, reply: Reply?) async throws {
        entries.withLock { all in
            if let e = all[id] { all[id] = (e.0, reply, true) }
        }
    }

    func pending() async throws -> [InboxEntry] {
        entries.withLock { $0.values.filter { !$0.2 }.map(\.0) }
    }

    func reply(for id: String) async throws -> Reply?? {
        entries.withLock { all in
            guard let e = all[id], e.2 else { return .none }
            return .some(e.1)
        }
    }

    func purge(_ user: UserHash, keeping: String?) async throws {
        purged.withLock { $0.append(user) }
    }
}

/// A hasher that is readable in tests (not keyed; never used outside tests).
struct PlainHasher: UserKeyHasher {
    func hash(_ userKey: String) -> UserHash { UserHash("h-" + userKey) }
    func hashIdentifier(_ identifier: String) -> String { "id-" + identifier }
}

/// A model answering through a closure and counting calls.
final class ScriptedModel: CompletionModel, Sendable {
    let name = "scripted"
    let calls = Mutex<[CompletionRequest]>([])
    let answer: @Sendable (CompletionRequest) async throws -> Completion

    init(answer: @escaping @Sendable (CompletionRequest) async throws -> Completion = { request in
        Completion(text: "回答：" + request.question, model: "scripted", origin: .primary)
    }) {
        self.answer = answer
    }

    var callCount: Int { calls.withLock { $0.count } }

    func complete(_ request: CompletionRequest) async throws -> Completion {
        calls.withLock { $0.append(request) }
        return try await answer(request)
    }
}

/// A safety filter driven by keywords in the text, for pipeline tests. With a pending safety
/// question, "YES" and "NO" are read as its answers (the Safety module's reader does this live).
struct KeywordSafety: SafetyFilter {
    var throwOnInput = false
    var throwOnOutput = false

    struct Broken: Error {}

    static let concernResponse = SafetyResponse(
        body: "CONCERN-REPLY", resourceLine: "RESOURCE-LINE", question: .screening, concepts: [.hopelessness],
        lead: "CONCERN-LEAD", followUp: "CONCERN-FOLLOW-UP？"
    )

    func assessInput(_ input: SafetyInput) async throws -> InputVerdict {
        if throwOnInput { throw Broken() }
        if input.pendingQuestion != nil, input.text == "YES" {
            return .crisis(reasons: ["answer"], response: SafetyResponse(body: "CONFIRMED 12356", question: .plan, answered: .yes))
        }
        if input.pendingQuestion != nil, input.text == "NO" {
            return .concern(reasons: ["answer"], response: SafetyResponse(body: "CALM-REPLY", resourceLine: "RESOURCE-LINE", answered: .no))
        }
        if input.text.contains("CRISIS") {
            return .crisis(reasons: ["test"], response: SafetyResponse(body: "CRISIS-REPLY 12356", question: .suicidalThoughts))
        }
        if input.text.contains("BLOCK") { return .blocked(reason: "test", reply: "BLOCKED-REPLY") }
        if input.text.contains("CONCERN") { return .concern(reasons: ["test"], response: Self.concernResponse) }
        return .allow
    }

    func checkOutput(_ reply: String, for input: SafetyInput) async throws -> OutputVerdict {
        if throwOnOutput { throw Broken() }
        return reply.contains("UNSAFE") ? .replace(reason: "test", reply: "SAFE-REPLACEMENT") : .pass
    }

    func resourceLine(for language: ReplyLanguage) -> String { "CRISIS-MODE-LINE" }
}

func message(_ text: String, user: String = "alice", id: String = UUID().uuidString, kind: InboundMessage.Kind = .text, lang: String? = nil) -> InboundMessage {
    InboundMessage(channel: .local, userKey: "local:" + user, chatKey: user, platformMessageID: id, text: text, kind: kind, languageTag: lang, receivedAt: Date())
}
