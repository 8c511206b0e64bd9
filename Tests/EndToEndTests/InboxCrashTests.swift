import ChatCore
import Foundation
import Storage
import Testing

/// SIGKILL in the middle of a write loop: every acknowledged message must survive, and the
/// unanswered ones are answered when the server starts again.
@Suite(.serialized) struct InboxCrashTests {
    let key = "crash-test-key-crash-test-key-!!"

    @Test(arguments: 0..<3)
    func acknowledgedMessagesSurviveSIGKILLAndAreReplayed(round: Int) async throws {
        let directory = temporaryDirectory("crash\(round)")
        let helper = try ChildProcess(Binaries.path("InboxCrashHelper"), [directory, key])
        let target = 150 + Int.random(in: 0..<300)
        _ = try #require(await helper.waitForLine { $0 == "ack \(target)" }, "helper stalled: \(helper.errors.suffix(3))")
        helper.signal(SIGKILL)
        _ = await helper.waitForExit()

        let acked = Set(helper.output.compactMap { $0.hasPrefix("ack ") ? Int($0.dropFirst(4)) : nil })
        let answered = Set(helper.output.compactMap { $0.hasPrefix("done ") ? Int($0.dropFirst(5)) : nil })
        #expect(acked.count > target)

        let hasher = HMACUserKeyHasher(key: Array(key.utf8))
        let idOf = { (i: Int) in hasher.inboxID(for: InboundMessage(channel: .local, userKey: "local:user\(i % 13)", chatKey: "", platformMessageID: "crash-\(i)", text: "", receivedAt: Date())) }
        do {
            let inbox = try FileInbox(dataDirectory: directory, hasher: hasher)
            let pending = Set(try await inbox.pending().map(\.id))
            for i in acked {
                let result = try await inbox.record(InboundMessage(channel: .local, userKey: "local:user\(i % 13)", chatKey: "", platformMessageID: "crash-\(i)", text: "", receivedAt: Date()), userHash: hasher.hash("local:user\(i % 13)"))
                switch result {
                case .accepted: Issue.record("acknowledged message \(i) was lost")
                case .duplicatePending: #expect(!answered.contains(i), "answered message \(i) came back as pending")
                case .duplicateDone: #expect(!pending.contains(idOf(i)))
                }
            }
        }

        // The server answers everything left unanswered at start.
        let serve = try ChildProcess(Binaries.path("heartline"), ["serve", "--port", "0", "--data-dir", directory], environment: ["HEARTLINE_HASH_KEY": key], directory: directory)
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
        guard let inbox = try? FileInbox(dataDirectory: directory, hasher: hasher) else { return -1 }
        return (try? await inbox.pending().count) ?? -1
    }
}
