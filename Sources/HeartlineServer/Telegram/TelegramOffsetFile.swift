import ChatCore
import Foundation
import Storage
import TelegramAdapter

/// The long-polling offset in `<data>/telegram/<bot>.offset` (decimal text, atomic writes).
public struct TelegramOffsetFile: TelegramOffsetStore {
    public let path: String

    public init(directory: String, botKey: String) {
        path = directory + "/\(botKey).offset"
    }

    public func load() async throws -> Int64? {
        guard let bytes = try DurableFile.read(path, limit: 64) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        // An unreadable offset is safe to drop: Telegram still holds every unconfirmed update,
        // and the inbox's dedupe drops those already recorded.
        guard let value = Int64(text), value > 0 else { return nil }
        return value
    }

    public func save(_ offset: Int64) async throws {
        try DurableFile.write(Array("\(offset)\n".utf8), to: path)
    }
}
