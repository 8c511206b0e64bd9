import Foundation

/// The adapter's recorded payload fixtures (`adapters/wechat-miniprogram/fixtures`).
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("adapters/wechat-miniprogram")

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent("fixtures/" + name)))
    }
}
