import ChatCore
import Foundation
import Storage
import Testing

/// A backlog of unanswered WeChat pushes (model slow or down) must not make every new push
/// rewrite the whole inbox log: that stalled acknowledgements past WeChat's 5 s at ~68k pending
/// messages. Compaction waits until it reclaims something (or the log has grown a lot).
@Suite struct WeChatInboxBacklogTests {
    func inode(_ path: String) throws -> UInt64 {
        (try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0
    }

    @Test func aPendingBacklogDoesNotRewriteTheLogOnEveryRecord() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("heartline-backlog-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var options = FileInbox.Options()
        options.compactionBytes = 8 * 1024
        let hasher = HMACUserKeyHasher(key: Array(repeating: 3, count: 32))
        let inbox = try FileInbox(dataDirectory: directory, hasher: hasher, options: options)
        let path = inbox.path

        func message(_ i: Int) -> InboundMessage {
            InboundMessage(channel: .wechat, userKey: "wechat:wx:o\(i % 7)", chatKey: "o\(i % 7)", platformMessageID: "wx:\(i)",
                           text: String(repeating: "积压的消息", count: 20), receivedAt: Date())
        }

        var rewrites = 0
        var last = try inode(path)
        var entries: [InboxEntry] = []
        for i in 0..<400 {
            guard case .accepted(let entry) = try await inbox.record(message(i), userHash: hasher.hash(message(i).userKey)) else {
                Issue.record("not accepted")
                return
            }
            entries.append(entry)
            let now = try inode(path)
            if now != last { rewrites += 1 }
            last = now
        }
        // ~260 KB of pending entries against an 8 KB threshold: a rewrite per record would be ~370.
        #expect(rewrites <= 3)
        #expect(try await inbox.pending().count == 400)

        // Once the backlog is answered, the next records compact it away.
        for entry in entries { try await inbox.complete(entry.id, reply: nil) }
        let before = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        for i in 400..<410 { _ = try await inbox.record(message(i), userHash: hasher.hash(message(i).userKey)) }
        let after = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        #expect(after < before / 2)
        #expect(try await inbox.pending().count == 10)
        // Dedupe survives compaction.
        #expect(try await inbox.record(message(5), userHash: hasher.hash(message(5).userKey)) == .duplicateDone(id: entries[5].id, reply: nil))
    }
}
