import ArgumentParser
import Foundation
import WeChatAdapter

/// `heartline wechat sign`: computes `signature` (token, timestamp, nonce) or, with `--encrypt`,
/// `msg_signature`; with `--echostr` prints a ready URL-verification query.
struct WeChatSign: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Compute a WeChat push signature (sha1 over the sorted token, timestamp, nonce[, Encrypt])."
    )

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: "The push Token (default: wechat.token).")
    var token: String?

    @Option(name: .long, help: "Unix timestamp (default: now).")
    var timestamp: String?

    @Option(name: .long, help: "Nonce (default: random digits).")
    var nonce: String?

    @Option(name: .long, help: "The Encrypt value, for msg_signature (`-` reads standard input).")
    var encrypt: String?

    @Option(name: .long, help: "Print the GET verification query with this echostr.")
    var echostr: String?

    func run() async throws {
        let values = try await WeChatValues.resolve(common: common, token: token, key: "", appID: "")
        let token = try values.require(values.token, "wechat.token")
        let timestamp = self.timestamp ?? String(Int(Date().timeIntervalSince1970))
        let nonce = self.nonce ?? String(UInt32.random(in: 100_000_000...UInt32.max))
        var parts = [token, timestamp, nonce]
        if let encrypt { parts.append(argumentOrStandardInput(encrypt)) }
        let signature = WeChatSignature.sign(parts)
        if let echostr {
            print("?signature=\(signature)&echostr=\(echostr)&timestamp=\(timestamp)&nonce=\(nonce)")
        } else {
            print(signature)
        }
    }
}
