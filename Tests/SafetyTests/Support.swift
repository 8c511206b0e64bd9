import ChatCore
import Foundation
import Synchronization
@testable import Safety

/// The lexicon in the source tree, so tests see the same files the binary ships.
enum TestLexicon {
    static let directory = Repo.root.appendingPathComponent("Sources/Safety/Resources/lexicon").path

    static let shared: Lexicon = {
        do { return try Lexicon.load(directory: directory) } catch { fatalError("lexicon: \(error)") }
    }()

    static let detector = CrisisDetector(lexicon: shared)
    static let output = OutputChecker(lexicon: shared)
}

enum Repo {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

/// A detector that always fails, to check that the safety layer fails safe.
struct BrokenDetector: CrisisDetecting {
    struct Failure: Error {}
    func detect(_ text: String, recent: [String]) throws -> Detection { throw Failure() }
}

/// Records alerts; can be told to hang, to show alerts never hold up a reply.
final class RecordingSink: AlertSink, Sendable {
    let alerts = Mutex<[CrisisAlert]>([])
    let hang: Bool

    init(hang: Bool = false) { self.hang = hang }

    func send(_ alert: CrisisAlert) async throws {
        if hang { try await Task.sleep(for: .seconds(3600)) }
        alerts.withLock { $0.append(alert) }
    }
}

/// In-memory session store for pipeline tests.
final class MemorySessions: SessionStore, Sendable {
    let sessions = Mutex<[UserHash: Session]>([:])
    func load(_ user: UserHash) async throws -> Session? { sessions.withLock { $0[user] } }
    func save(_ session: Session, for user: UserHash) async throws { sessions.withLock { $0[user] = session } }
    func delete(_ user: UserHash) async throws { sessions.withLock { $0[user] = nil } }
    func sweep(idleSince cutoff: Date) async throws -> Int { 0 }
}

/// A model that counts calls and answers with a fixed text.
final class CountingModel: CompletionModel, Sendable {
    let name = "counting"
    let calls = Mutex(0)
    let text: String
    init(text: String = "我们一起慢慢看看可以怎么做。") { self.text = text }
    func complete(_ request: CompletionRequest) async throws -> Completion {
        calls.withLock { $0 += 1 }
        return Completion(text: text, model: name, origin: .primary)
    }
    var callCount: Int { calls.withLock { $0 } }
}

/// A clock the test moves by hand.
final class TestClock: Sendable {
    let current = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
    var now: Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

func input(_ text: String, user: String = "u1", language: ReplyLanguage = .zh, recent: [String] = [], at now: Date = Date()) -> SafetyInput {
    SafetyInput(text: text, userHash: UserHash("hash-" + user), channel: .local, language: language, recentQuestions: recent, now: now)
}
