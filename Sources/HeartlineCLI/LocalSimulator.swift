import ArgumentParser
import Foundation
import HeartlineServer
import Logging
import Simulator
import WeChatAdapter

/// Local mode: with no platform credentials and a loopback address, Heartline runs with the
/// simulator's fake Telegram and WeChat in process, configured with generated dummy credentials,
/// so that a newcomer can chat as a platform user at once (`serve` and `simulate`).
enum LocalSimulator {
    /// Local mode applies: loopback, and neither Telegram nor WeChat configured.
    static func applies(_ settings: HeartlineSettings) -> Bool {
        settings.isLoopback && settings.telegram.token == nil && settings.wechat.appID == nil
    }

    static func configuration(for settings: HeartlineSettings) -> SimulatorConfiguration {
        var configuration = SimulatorConfiguration.generated(wechatMode: settings.wechat.mode ?? .safe)
        if settings.telegram.configuredMode == .off { configuration.telegram = nil }
        if settings.wechat.enabled == false { configuration.wechat = nil }
        return configuration
    }

    /// The settings that point Heartline's channels at the fake platforms on `platformBase`.
    static func overrides(_ configuration: SimulatorConfiguration, platformBase: String) -> [String: String] {
        var values: [String: String] = [:]
        if let t = configuration.telegram {
            values["telegram.mode"] = "webhook"
            values["telegram.token"] = t.token
            values["telegram.webhook.secret"] = t.webhookSecret
            values["telegram.username"] = t.botUsername
            values["telegram.apiBaseUrl"] = platformBase + SimulatorPlatform.telegramPrefix
        }
        if let w = configuration.wechat {
            values["wechat.appId"] = w.appID
            values["wechat.appSecret"] = w.appSecret
            values["wechat.token"] = w.token
            values["wechat.encodingAesKey"] = w.encodingAESKey
            values["wechat.mode"] = w.mode.rawValue
            values["wechat.apiBaseUrl"] = platformBase + SimulatorPlatform.wechatPrefix
        }
        return values
    }

    /// Runs the simulator's server (fake platforms, UI, API) on loopback while `body` runs.
    static func withSimulator<T: Sendable>(
        _ configuration: SimulatorConfiguration, port: Int = 0, replyTimeout: Duration? = nil, logger: Logger,
        _ body: @Sendable (SimulatorEngine, String) async throws -> T
    ) async throws -> T {
        var configuration = configuration
        if let replyTimeout { configuration.replyTimeout = replyTimeout }
        let platform = SimulatorPlatform(configuration: configuration)
        let engine = SimulatorEngine(configuration: configuration, platform: platform)
        var quiet = logger
        quiet.logLevel = .critical  // its shutdown by cancellation is expected, not an error
        return try await SimulatorServer(engine: engine).run(port: port, logger: quiet) { base in
            try await body(engine, base)
        }
    }

    /// Loads settings like `CommonOptions.settings` (flags and `extra` as overrides), from values
    /// that can cross into the simulator's task.
    static func settings(overrides: [String: String], configFile: String?) async throws -> HeartlineSettings {
        do {
            let reader = try await SettingsLoader.reader(overrides: overrides, configFile: configFile)
            var loader = SettingsLoader(reader: reader)
            return try loader.load()
        } catch let error as SettingsError {
            throw ValidationError(error.description)
        }
    }

    static func base(host: String, port: Int) -> String {
        "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }
}
