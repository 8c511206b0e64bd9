import ChatCore
import Foundation
import Storage

/// A fresh temporary directory per test, removed by the caller.
func temporaryDirectory(_ name: String = #function) -> String {
    let path = NSTemporaryDirectory() + "heartline-tests/" + name.filter { $0.isLetter || $0.isNumber } + "-" + UUID().uuidString.prefix(8)
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

let testHasher = HMACUserKeyHasher(key: Array("0123456789abcdef0123456789abcdef".utf8))

func sampleMessage(_ text: String = "你好", user: String = "alice", id: String, channel: ChatChannel = .local, at: Date = Date()) -> InboundMessage {
    InboundMessage(channel: channel, userKey: "\(channel.rawValue):" + user, chatKey: user, platformMessageID: id, text: text, receivedAt: at)
}

func permissions(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? NSNumber)?.intValue ?? -1
}
