import Configuration
import Foundation
import WeChatAdapter

/// Reads and validates the `wechat.*` settings. Returns every problem found (secrets are never
/// echoed back).
enum WeChatSettingsLoader {
    static func load(_ reader: ConfigReader, into w: inout HeartlineSettings.WeChat) -> [String] {
        var problems: [String] = []
        func raw(_ key: String, secret: Bool = false) -> String? {
            let value = reader.string(forKey: ConfigKey(key.split(separator: ".").map(String.init)), isSecret: secret)
            guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        func int(_ key: String, _ range: ClosedRange<Int>) -> Int? {
            guard let text = raw(key) else { return nil }
            guard let value = Int(text), range.contains(value) else {
                problems.append("\(key): expected a whole number in \(range.lowerBound)…\(range.upperBound), got \(text)")
                return nil
            }
            return value
        }
        func bool(_ key: String) -> Bool? {
            guard let text = raw(key)?.lowercased() else { return nil }
            if ["1", "true", "yes", "on"].contains(text) { return true }
            if ["0", "false", "no", "off"].contains(text) { return false }
            problems.append("\(key): expected true or false, got \(text)")
            return nil
        }
        func choice<T: RawRepresentable & CaseIterable>(_ key: String, _: T.Type) -> T? where T.RawValue == String {
            guard let text = raw(key)?.lowercased() else { return nil }
            guard let value = T(rawValue: text) else {
                problems.append("\(key): one of \(T.allCases.map(\.rawValue).joined(separator: ", ")), got \(text)")
                return nil
            }
            return value
        }
        func path(_ key: String) -> String? {
            guard let text = raw(key) else { return nil }
            guard text.hasPrefix("/"), !text.contains("?"), !text.contains(" ") else {
                problems.append("\(key): must be a path starting with /")
                return nil
            }
            return text
        }

        w.enabled = bool("wechat.enabled")
        w.appID = raw("wechat.appId")
        w.appSecret = raw("wechat.appSecret", secret: true)
        w.token = raw("wechat.token", secret: true)
        w.encodingAESKey = raw("wechat.encodingAesKey", secret: true)
        w.format = choice("wechat.format", HeartlineSettings.WeChat.Format.self) ?? w.format
        w.mode = choice("wechat.mode", WeChatSecurityMode.self)
        w.apiBaseURL = raw("wechat.apiBaseUrl") ?? w.apiBaseURL
        w.tokenAPI = choice("wechat.tokenApi", WeChatAPIConfiguration.TokenAPI.self) ?? w.tokenAPI
        w.pushPath = path("wechat.pushPath") ?? w.pushPath
        w.miniProgramPath = path("wechat.miniProgramPath") ?? w.miniProgramPath
        w.customerServicePath = path("wechat.customerServicePath") ?? w.customerServicePath
        w.typingPath = path("wechat.typingPath") ?? w.typingPath
        w.typing = bool("wechat.typing") ?? w.typing
        w.timestampWindowSeconds = int("wechat.timestampWindowSeconds", 0...86_400) ?? w.timestampWindowSeconds
        w.maxBodyBytes = int("wechat.maxBodyBytes", 4096...(16 << 20)) ?? w.maxBodyBytes
        w.splitBytes = int("wechat.splitBytes", 256...65_536) ?? w.splitBytes
        w.maxChunks = int("wechat.maxChunks", 1...20) ?? w.maxChunks
        w.apiTimeout = int("wechat.apiTimeoutMs", 100...60_000).map { .milliseconds($0) } ?? w.apiTimeout
        w.askTimeout = int("wechat.askTimeoutMs", 100...120_000).map { .milliseconds($0) } ?? w.askTimeout
        w.sessionTTL = int("wechat.sessionTtlMinutes", 1...(60 * 24 * 30)).map { .seconds($0 * 60) } ?? w.sessionTTL
        w.sessionSecret = raw("wechat.sessionSecret", secret: true)
        w.askPerMinute = int("wechat.askPerMinute", 1...10_000) ?? w.askPerMinute
        w.loginPerMinute = int("wechat.loginPerMinute", 1...10_000) ?? w.loginPerMinute
        w.loginPerMinuteTotal = int("wechat.loginPerMinuteTotal", 1...1_000_000) ?? w.loginPerMinuteTotal
        w.contentCheck = bool("wechat.contentCheck") ?? w.contentCheck

        guard w.isEnabled else { return problems }
        problems += validate(w)
        return problems
    }

    /// Rules for an enabled channel; shared with `heartline wechat check-config`.
    static func validate(_ w: HeartlineSettings.WeChat) -> [String] {
        var problems: [String] = []
        if let appID = w.appID {
            if !isAppID(appID) { problems.append("wechat.appId: expected `wx` followed by 16 letters or digits") }
        } else {
            problems.append("wechat.appId: required when the WeChat channel is enabled")
        }
        if w.appSecret == nil { problems.append("wechat.appSecret: required (customer-service replies and login need it)") }
        if let token = w.token {
            if !(1...128).contains(token.utf8.count) || !token.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }) {
                problems.append("wechat.token: must be letters and digits only (the console allows 3–32)")
            }
        } else {
            problems.append("wechat.token: required (the Token from the push configuration)")
        }
        if let key = w.encodingAESKey {
            do {
                _ = try WeChatCipher.decodeKey(key)
            } catch {
                if case .invalidKey(let why) = error { problems.append("wechat.encodingAesKey: \(why)") }
            }
        } else if w.effectiveMode.requiresEncryption {
            problems.append("wechat.encodingAesKey: required in \(w.effectiveMode.rawValue) mode")
        }
        if !(w.apiBaseURL.hasPrefix("https://") || w.apiBaseURL.hasPrefix("http://")) {
            problems.append("wechat.apiBaseUrl: must start with https:// or http://")
        }
        return problems
    }

    static func isAppID(_ value: String) -> Bool {
        value.utf8.count == 18 && value.hasPrefix("wx") && value.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }
    }
}
