import ChatCore
import Foundation
import HeartlineTestSupport
import Storage
import Testing

/// SIGKILL in the middle of a write loop: every acknowledged message must survive, every answer
/// given is on disk with its session turn exactly once, and the unanswered messages are answered
/// when the server starts again.
@Suite(.serialized) struct InboxCrashTests {
    let key = "crash-test-key-crash-test-key-!!"

    @Test(arguments: 0..<3)
    func acknowledgedMessagesSurviveSIGKILLAndAreReplayed(round: Int) async throws {
        let directory = temporaryDirectory("crash\(round)")
        let helper = try await ChildProcess(Binaries.path("InboxCrashHelper"), [directory, key])
        let target = 2 * (75 + Int.random(in: 0..<150))  // acks are printed for even numbers (push messages)
        _ = try #require(await helper.waitForLine { $0 == "ack \(target)" }, "helper stalled: \(helper.errors.suffix(3))")
        helper.signal(SIGKILL)
        _ = await helper.waitForExit()

        let numbers = { (prefix: String) in Set(helper.output.compactMap { $0.hasPrefix(prefix) ? Int($0.dropFirst(prefix.count)) : nil }) }
        let acked = numbers("ack ")
        let done = numbers("done ")
        let answered = numbers("answered ")
        #expect(acked.count > target / 2)

        let hasher = HMACUserKeyHasher(key: Array(key.utf8))
        let message = { (i: Int) -> InboundMessage in
            let channel: ChatChannel = i % 2 == 0 ? .telegram : .local
            return InboundMessage(channel: channel, userKey: "\(channel.rawValue):user\(i % 13)", chatKey: "", platformMessageID: "crash-\(i)", text: "", receivedAt: Date())
        }
        do {
            let store = try SQLiteStore(dataDirectory: directory, hasher: hasher)
            let pending = Set(try await store.inbox.pending().map(\.id))
            for i in acked {
                let m = message(i)
                switch try await store.inbox.record(m, userHash: hasher.hash(m.userKey)) {
                case .accepted: Issue.record("acknowledged message \(i) was lost")
                case .duplicatePending: #expect(!done.contains(i), "answered message \(i) came back as pending")
                case .duplicateDone: #expect(!pending.contains(hasher.inboxID(for: m)))
                }
            }
            for i in answered {
                let m = message(i)
                let result = try await store.inbox.record(m, userHash: hasher.hash(m.userKey))
                #expect(result == .duplicateDone(id: hasher.inboxID(for: m), reply: Reply(body: "答 \(i)", source: .fixed)), "answer \(i) not on disk")
            }
            // Every answer's turn is stored exactly once.
            var questions: [String] = []
            for u in 0..<13 {
                for channel in [ChatChannel.telegram, .local] {
                    questions += try await store.sessions.load(hasher.hash("\(channel.rawValue):user\(u)"))?.turns.map(\.question) ?? []
                }
            }
            #expect(questions.count == Set(questions).count, "a turn was stored twice")
            for i in done.union(answered) { #expect(questions.contains("消息 \(i)"), "turn of answer \(i) missing") }
            #expect(try store.check().ok)
        }

        // The server answers everything left unanswered at start.
        let serve = try await ChildProcess(Binaries.path("heartline"), ["serve", "--port", "0", "--data-dir", directory], environment: ["HEARTLINE_HASH_KEY": key], directory: directory)
        _ = try #require(await serve.waitForLine { $0.hasPrefix("Heartline is listening") }, "serve did not start: \(serve.errors.suffix(3))")
        let inboxAfter = await waitUntilDrained(serve: serve, directory: directory, hasher: hasher)
        #expect(inboxAfter == 0)
    }

    /// Stops the server once it has had time to replay, then counts what is still pending.
    func waitUntilDrained(serve: ChildProcess, directory: String, hasher: HMACUserKeyHasher) async -> Int {
        // The workers replay before readiness; give them a moment, then stop gracefully (drains).
        try? await Task.sleep(for: .milliseconds(500))
        serve.signal(SIGTERM)
        _ = await serve.waitForExit()
        guard let store = try? SQLiteStore(dataDirectory: directory, hasher: hasher) else { return -1 }
        return (try? await store.inbox.pending().count) ?? -1
    }
}
