import ArgumentParser
import Foundation
import WeChatAdapter

/// `heartline wechat decrypt`: decrypts an `Encrypt` value (checking padding, length and appid);
/// with `--signature` it first verifies msg_signature like the server does.
struct WeChatDecrypt: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decrypt",
        abstract: "Decrypt a safe-mode Encrypt value and print the message."
    )

    @OptionGroup var common: CommonOptions

    @Argument(help: "The Encrypt value; `-` reads standard input.")
    var encrypt: String

    @Option(name: .long, help: "EncodingAESKey (default: wechat.encodingAesKey).")
    var key: String?

    @Option(name: .long, help: "AppID (default: wechat.appId).")
    var appid: String?

    @Option(name: .long, help: "msg_signature to verify first (needs --timestamp and --nonce).")
    var signature: String?

    @Option(name: .long, help: "Token for --signature (default: wechat.token).")
    var token: String?

    @Option(name: .long) var timestamp: String?
    @Option(name: .long) var nonce: String?

    func run() async throws {
        let values = try await WeChatValues.resolve(common: common, token: token ?? (signature == nil ? "" : nil), key: key, appID: appid)
        let value = argumentOrStandardInput(encrypt).trimmingCharacters(in: .whitespacesAndNewlines)
        if let signature {
            guard let timestamp, let nonce else { throw ValidationError("--signature needs --timestamp and --nonce") }
            let token = try values.require(values.token, "wechat.token")
            guard WeChatSignature.verify(signature, parts: [token, timestamp, nonce, value]) else {
                print("msg_signature does not match")
                throw ExitCode.failure
            }
            FileHandle.standardError.write(Data("msg_signature ok\n".utf8))
        }
        do {
            let cipher = try WeChatCipher(encodingAESKey: try values.require(values.key, "wechat.encodingAesKey"), appID: try values.require(values.appID, "wechat.appId"))
            print(String(decoding: try cipher.decrypt(value), as: UTF8.self))
        } catch let error as WeChatCryptoError {
            print("cannot decrypt: \(error)")
            throw ExitCode.failure
        }
    }
}
