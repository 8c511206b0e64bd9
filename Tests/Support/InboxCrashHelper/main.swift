import ChatCore
import Foundation
import Storage

// Test helper for the crash test: answers messages in a loop against the embedded store until it
// is killed with SIGKILL at a random moment. Even i: a push message (Telegram), recorded durably
// and acknowledged ("ack i"), answered every third time. Odd i: a synchronous message (local
// channel), answered with its session turn in one commit and only then reported ("answered i"),
// the moment a caller would get its reply. Every answer appends a session turn keyed by the entry.
let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: InboxCrashHelper DATA_DIR HASH_KEY\n".utf8))
    exit(2)
}
let hasher = HMACUserKeyHasher(key: Array(arguments[2].utf8))
let store = try SQLiteStore(dataDirectory: arguments[1], hasher: hasher)
let inbox = store.inbox

func answer(_ entry: InboxEntry, _ i: Int, store: SQLiteStore) async throws {
    let limits = SessionLimits(maxTurns: 1000, maxCharacters: 1_000_000)
    try await StoreContext.$entryID.withValue(entry.id) {
        var session = try await store.sessions.load(entry.userHash) ?? Session(now: Date())
        session.append(Turn(question: entry.message.text, answer: "答 \(i)", at: Date()), limits: limits)
        try await store.sessions.save(session, for: entry.userHash)
    }
    try await store.inbox.complete(entry.id, reply: Reply(body: "答 \(i)", source: .fixed))
}

var i = 0
while true {
    let channel: ChatChannel = i % 2 == 0 ? .telegram : .local
    let message = InboundMessage(
        channel: channel, userKey: "\(channel.rawValue):user\(i % 13)", chatKey: "user\(i % 13)", platformMessageID: "crash-\(i)",
        text: "消息 \(i)", receivedAt: Date()
    )
    let result = try await inbox.record(message, userHash: hasher.hash(message.userKey))
    guard case .accepted(let entry) = result else { fatalError("duplicate in crash helper") }
    if channel == .telegram {
        print("ack \(i)")
        fflush(nil)
        if i % 3 == 0 {
            try await answer(entry, i, store: store)
            print("done \(i)")
            fflush(nil)
        }
    } else {
        try await answer(entry, i, store: store)
        print("answered \(i)")
        fflush(nil)
    }
    i += 1
}
