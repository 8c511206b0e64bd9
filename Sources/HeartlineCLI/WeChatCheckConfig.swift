import ArgumentParser
import AsyncHTTPClient
import Crypto
import Foundation
import HeartlineServer
import WeChatAdapter

/// `heartline wechat check-config`: validates the wechat.* settings, the EncodingAESKey (length,
/// alphabet, decoding, an encrypt/decrypt round trip) and the token, and with `--online` fetches an
/// access token to prove the appid, secret and IP whitelist. Prints no secret.
struct WeChatCheckConfig: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check the WeChat settings (key length and decoding, token format, paths); --online also fetches an access token."
    )

    @OptionGroup var common: CommonOptions

    @Flag(name: .long, help: "Also call WeChat's token endpoint with the configured appid and secret.")
    var online = false

    func run() async throws {
        let settings: HeartlineSettings
        do {
            settings = try await common.settings()
        } catch let error as ValidationError {
            print(error.message)
            throw ExitCode.failure
        }
        let w = settings.wechat
        var failures = 0
        func report(_ ok: Bool, _ text: String) {
            print((ok ? "  ok    " : "  FAIL  ") + text)
            if !ok { failures += 1 }
        }
        func note(_ text: String) { print("  note  " + text) }

        print("WeChat mini-program channel")
        guard w.isEnabled else {
            report(false, "disabled: set wechat.appId (HEARTLINE_WECHAT_APP_ID) and the other wechat.* settings")
            throw ExitCode.failure
        }
        report(true, "appid \(w.appID ?? "-")")
        report(w.appSecret != nil, "app secret " + (w.appSecret != nil ? "set" : "missing"))
        if let token = w.token {
            report(true, "token set (\(token.utf8.count) characters, letters and digits)")
            if !(3...32).contains(token.utf8.count) { note("the console accepts tokens of 3–32 characters") }
        } else {
            report(false, "token missing")
        }
        if let key = w.encodingAESKey, let appID = w.appID {
            do {
                let bytes = try WeChatCipher.decodeKey(key)
                let fingerprint = SHA256.hash(data: bytes).prefix(4).map { String(format: "%02x", $0) }.joined()
                report(true, "EncodingAESKey: 43 characters, decodes to 32 bytes (fingerprint \(fingerprint))")
                let cipher = try WeChatCipher(encodingAESKey: key, appID: appID)
                let sample = Array("{\"check\":\"心\"}".utf8)
                report(try cipher.decrypt(try cipher.encrypt(sample)) == sample, "encrypt/decrypt round trip with appid \(appID)")
            } catch {
                if case .invalidKey(let why) = error { report(false, "EncodingAESKey \(why)") } else { report(false, "EncodingAESKey: \(error)") }
            }
        } else {
            report(!w.effectiveMode.requiresEncryption, "EncodingAESKey not set")
        }
        report(true, "message encryption mode: \(w.effectiveMode.rawValue); data format: \(w.format.rawValue) (bodies are detected either way)")
        if w.effectiveMode == .plaintext { note("plaintext pushes are not authenticated beyond the URL signature; prefer safe mode (安全模式)") }
        report(true, "push URL path \(w.pushPath) (console URL: https://<your-domain>\(w.pushPath))")
        report(true, "Q&A API \(w.miniProgramPath)/login and \(w.miniProgramPath)/ask")
        report(true, "API \(w.apiBaseURL), access token via \(w.tokenAPI == .stable ? "cgi-bin/stable_token" : "cgi-bin/token")")
        if w.sessionSecret == nil { note("wechat.sessionSecret not set: mini-program users log in again after a restart") }

        if online, let appID = w.appID, let secret = w.appSecret {
            let http = WeChatHTTP(client: .shared, configuration: WeChatAPIConfiguration(
                appID: appID, appSecret: secret, baseURL: w.apiBaseURL, tokenAPI: w.tokenAPI, requestTimeout: w.apiTimeout
            ))
            do {
                let token = try await WeChatTokenFetcher(http: http).fetchToken(forceRefresh: false)
                report(true, "access token obtained (expires in \(token.expiresIn) s)")
            } catch {
                let hint = switch error.errcode {
                case 40013?: " — the appid is wrong"
                case 40125?, 40001?: " — the app secret is wrong"
                case 40164?: " — this server's IP is not in the API IP whitelist"
                default: ""
                }
                report(false, "access token: \(error.logDescription)\(hint)")
            }
        }
        if failures > 0 {
            print("\(failures) problem(s) found")
            throw ExitCode.failure
        }
        print("configuration looks right")
    }
}
