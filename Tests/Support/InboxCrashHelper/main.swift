import ChatCore
import Foundation
import Storage

// Test helper for the crash test: records messages in a loop and prints "ack N" after each
// `record` returns (the moment a platform would be told "received"); every third one is also
// marked answered. The test kills this process with SIGKILL at a random moment.
let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: InboxCrashHelper DATA_DIR HASH_KEY\n".utf8))
    exit(2)
}
let hasher = HMACUserKeyHasher(key: Array(arguments[2].utf8))
let inbox = try FileInbox(dataDirectory: arguments[1], hasher: hasher)
var i = 0
while true {
    let message = InboundMessage(
        channel: .local, userKey: "local:user\(i % 13)", chatKey: "user\(i % 13)", platformMessageID: "crash-\(i)",
        text: "消息 \(i)", receivedAt: Date()
    )
    let result = try await inbox.record(message, userHash: hasher.hash(message.userKey))
    guard case .accepted(let entry) = result else { fatalError("duplicate in crash helper") }
    print("ack \(i)")
    fflush(nil)
    if i % 3 == 0 {
        try await inbox.complete(entry.id, reply: Reply(body: "答 \(i)", source: .fixed))
        print("done \(i)")
        fflush(nil)
    }
    i += 1
}
