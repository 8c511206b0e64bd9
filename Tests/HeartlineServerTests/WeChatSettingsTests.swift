import Configuration
import Foundation
import HeartlineServer
import Testing
import WeChatAdapter

/// `wechat.*` settings: defaults, parsing, and one message listing every problem.
@Suite struct WeChatSettingsTests {
    func load(_ values: [String: String]) async throws -> HeartlineSettings {
        let reader = try await SettingsLoader.reader(overrides: values, environment: [:], dotEnvPath: nil)
        var loader = SettingsLoader(reader: reader)
        return try loader.load()
    }

    @Test func disabledByDefault() async throws {
        let settings = try await load([:])
        #expect(!settings.wechat.isEnabled)
        #expect(settings.wechat.pushPath == "/wechat/push")
        #expect(settings.wechat.apiBaseURL == "https://api.weixin.qq.com")
        #expect(settings.wechat.tokenAPI == .stable)
        #expect(settings.wechat.timestampWindowSeconds == 300)
        #expect(settings.wechat.askTimeout == .seconds(15))
    }

    @Test func aCompleteConfiguration() async throws {
        let settings = try await load([
            "wechat.appId": "wxba5fad812f8e6fb9", "wechat.appSecret": "s3cret", "wechat.token": "AAAAA",
            "wechat.encodingAesKey": String(repeating: "A", count: 43), "wechat.format": "xml", "wechat.tokenApi": "classic",
            "wechat.pushPath": "/hooks/wx", "wechat.timestampWindowSeconds": "60", "wechat.askTimeoutMs": "8000",
            "wechat.contentCheck": "true", "wechat.splitBytes": "1024",
        ])
        let w = settings.wechat
        #expect(w.isEnabled)
        #expect(w.effectiveMode == .safe)
        #expect(w.format == .xml)
        #expect(w.tokenAPI == .classic)
        #expect(w.pushPath == "/hooks/wx")
        #expect(w.timestampWindowSeconds == 60)
        #expect(w.askTimeout == .milliseconds(8000))
        #expect(w.contentCheck)
        #expect(w.splitBytes == 1024)
    }

    @Test func plaintextModeNeedsNoKey() async throws {
        let settings = try await load(["wechat.appId": "wxba5fad812f8e6fb9", "wechat.appSecret": "s", "wechat.token": "AAAAA"])
        #expect(settings.wechat.effectiveMode == .plaintext)
    }

    @Test func everyProblemIsReportedAtOnceWithoutEchoingSecrets() async throws {
        do {
            _ = try await load([
                "wechat.appId": "gh_notanappid", "wechat.token": "bad token!", "wechat.encodingAesKey": "tooShortButSecret",
                "wechat.mode": "paranoid", "wechat.pushPath": "wechat", "wechat.apiBaseUrl": "ftp://x",
            ])
            Issue.record("expected a settings error")
        } catch let error as SettingsError {
            let text = error.description
            for key in ["wechat.appId", "wechat.appSecret", "wechat.token", "wechat.encodingAesKey", "wechat.mode", "wechat.pushPath", "wechat.apiBaseUrl"] {
                #expect(text.contains(key), "\(key) not reported")
            }
            #expect(!text.contains("tooShortButSecret"))
            #expect(!text.contains("bad token!"))
        }
    }
}
