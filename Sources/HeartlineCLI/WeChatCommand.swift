import ArgumentParser
import Foundation
import HeartlineServer

/// `heartline wechat …`: configuration checks and debugging helpers for the WeChat channel.
struct WeChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wechat",
        abstract: "Check the WeChat mini-program configuration and sign, encrypt or decrypt pushes by hand.",
        discussion: """
        Secrets given as flags are visible in the process list; prefer HEARTLINE_WECHAT_* variables,
        a .env file or --config. Without flags, every helper uses the configured wechat.* settings.
        """,
        subcommands: [WeChatCheckConfig.self, WeChatSign.self, WeChatEncrypt.self, WeChatDecrypt.self]
    )
}

/// The WeChat values a helper needs: from flags first, then from the configuration.
struct WeChatValues {
    var token: String?
    var key: String?
    var appID: String?

    static func resolve(common: CommonOptions, token: String?, key: String?, appID: String?) async throws -> WeChatValues {
        var values = WeChatValues(token: token, key: key, appID: appID)
        if token == nil || key == nil || appID == nil {
            let settings = try await common.settings()
            values.token = values.token ?? settings.wechat.token
            values.key = values.key ?? settings.wechat.encodingAESKey
            values.appID = values.appID ?? settings.wechat.appID
        }
        return values
    }

    func require(_ value: String?, _ what: String) throws -> String {
        guard let value else { throw ValidationError("\(what) is not configured; pass it as a flag or set it in the configuration") }
        return value
    }
}

/// Reads a text argument, or standard input when it is `-`.
func argumentOrStandardInput(_ value: String) -> String {
    guard value == "-" else { return value }
    let data = FileHandle.standardInput.readDataToEndOfFile()
    var text = String(decoding: data, as: UTF8.self)
    if text.hasSuffix("\n") { text.removeLast() }
    return text
}
