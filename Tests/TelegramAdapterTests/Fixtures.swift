import Foundation
import TelegramAdapter

/// The adapter's recorded payloads in adapters/telegram/fixtures (B.10 examples plus our own).
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("adapters/telegram/fixtures")

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name + ".json")))
    }

    static func update(_ name: String) throws -> TelegramUpdate {
        try TelegramUpdateDecoder.decode(bytes(name))
    }

    static func message(_ name: String) throws -> TelegramMessage? {
        switch try update(name).payload {
        case .message(let message), .editedMessage(let message): message
        default: nil
        }
    }

    /// The bot of the B.10 examples (id 7000000002, @example_helper_bot).
    static let bot = TelegramBotIdentity(id: 7_000_000_002, username: "example_helper_bot")
    static let token = "7000000002:AAH_fake-Token_for_tests"
}
