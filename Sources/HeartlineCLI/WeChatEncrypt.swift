import ArgumentParser
import Foundation
import WeChatAdapter

/// `heartline wechat encrypt`: encrypts a message as WeChat does in safe mode and prints the
/// `Encrypt` value, or with `--request` the whole signed push (query line, then body) ready for curl.
struct WeChatEncrypt: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encrypt",
        abstract: "Encrypt a push message with the EncodingAESKey (safe mode) and sign it."
    )

    @OptionGroup var common: CommonOptions

    @Argument(help: "The plain message (JSON or XML); `-` reads standard input.")
    var message: String

    @Option(name: .long, help: "EncodingAESKey, 43 characters (default: wechat.encodingAesKey).")
    var key: String?

    @Option(name: .long, help: "AppID (default: wechat.appId).")
    var appid: String?

    @Option(name: .long, help: "Token for msg_signature (default: wechat.token).")
    var token: String?

    @Option(name: .long, help: "The 16-byte random prefix as 16 ASCII characters (default: random); fixes the output.")
    var random: String?

    @Option(name: .long, help: "Unix timestamp (default: now).")
    var timestamp: Int64?

    @Option(name: .long, help: "Nonce (default: random digits).")
    var nonce: String?

    @Option(name: .long, help: "Body format for --request: json or xml (default: the message's).")
    var format: String?

    @Option(name: .long, help: "Encryption mode for --request: safe or compatible.")
    var mode: String = "safe"

    @Flag(name: .long, help: "Print the signed query string and the request body instead of the Encrypt value alone.")
    var request = false

    func run() async throws {
        let values = try await WeChatValues.resolve(common: common, token: token ?? (request ? nil : ""), key: key, appID: appid)
        let cipher: WeChatCipher
        do {
            cipher = try WeChatCipher(encodingAESKey: try values.require(values.key, "wechat.encodingAesKey"), appID: try values.require(values.appID, "wechat.appId"))
        } catch let error as WeChatCryptoError {
            throw ValidationError("EncodingAESKey: \(error)")
        }
        if let random, random.utf8.count != 16 { throw ValidationError("--random must be exactly 16 ASCII characters") }
        let text = Array(argumentOrStandardInput(message).utf8)
        guard request else {
            let encrypted = if let random { try cipher.encrypt(text, random: Array(random.utf8)) } else { try cipher.encrypt(text) }
            print(encrypted)
            return
        }
        guard let detected = format.flatMap(WeChatBodyFormat.init(rawValue:)) ?? WeChatBodyFormat.detect(text) else {
            throw ValidationError("the message is neither JSON nor XML; pass --format")
        }
        guard let securityMode = WeChatSecurityMode(rawValue: mode), securityMode != .plaintext else {
            throw ValidationError("--mode must be safe or compatible")
        }
        let built = try WeChatPushBuilder(token: try values.require(values.token, "wechat.token"), cipher: cipher).build(
            message: text, format: detected, mode: securityMode, toUserName: "gh_heartline",
            timestamp: timestamp ?? Int64(Date().timeIntervalSince1970), nonce: nonce ?? String(UInt32.random(in: 100_000_000...UInt32.max)),
            random: random.map { Array($0.utf8) }
        )
        print(built.queryString)
        print(String(decoding: built.body, as: UTF8.self))
    }
}
