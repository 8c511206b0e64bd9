import ChatCore
import Configuration
import Foundation
import PostgresStore
import SystemPackage

/// Problems found in the configuration, all at once, so an operator fixes them in one go.
public struct SettingsError: Error, CustomStringConvertible, Sendable {
    public var problems: [String]
    public var description: String {
        "invalid configuration:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}

/// Builds `HeartlineSettings` from a `ConfigReader`. Keys are dotted (`model.name`); in the
/// environment they are `HEARTLINE_` + upper snake case (`HEARTLINE_MODEL_NAME`).
public struct SettingsLoader {
    let reader: ConfigReader
    var problems: [String] = []

    public init(reader: ConfigReader) {
        self.reader = reader
    }

    /// The standard hierarchy: `overrides` (command-line flags) > environment (`HEARTLINE_*`) >
    /// `.env` in the working directory > the JSON config file, if any.
    public static func reader(
        overrides: [String: String] = [:],
        configFile: String? = nil,
        environment: [String: String]? = nil,
        dotEnvPath: String? = ".env"
    ) async throws -> ConfigReader {
        var providers: [any ConfigProvider] = []
        providers.append(InMemoryProvider(name: "flags", values: Self.values(overrides)))
        let secrets = SecretsSpecifier<String, String>.dynamic { key, _ in Self.isSecret(key) }
        if let environment {
            providers.append(EnvironmentVariablesProvider(environmentVariables: environment, secretsSpecifier: secrets).prefixKeys(with: ["heartline"]))
        } else {
            providers.append(EnvironmentVariablesProvider(secretsSpecifier: secrets).prefixKeys(with: ["heartline"]))
        }
        if let dotEnvPath, FileManager.default.fileExists(atPath: dotEnvPath) {
            providers.append(try await EnvironmentVariablesProvider(environmentFilePath: FilePath(dotEnvPath), allowMissing: true, secretsSpecifier: secrets).prefixKeys(with: ["heartline"]))
        }
        if let configFile {
            guard FileManager.default.isReadableFile(atPath: configFile) else {
                throw SettingsError(problems: ["config file \(configFile) does not exist or is not readable"])
            }
            do {
                let options = JSONSnapshot.ParsingOptions(secretsSpecifier: .dynamic { key, _ in Self.isSecret(key) })
                providers.append(try await FileProvider<JSONSnapshot>(parsingOptions: options, filePath: FilePath(configFile)))
            } catch {
                throw SettingsError(problems: ["config file \(configFile) is not a JSON object of settings: \(error)"])
            }
        }
        return ConfigReader(providers: providers)
    }

    static func isSecret(_ key: String) -> Bool {
        let k = key.lowercased()
        // `store` may be a PostgreSQL URL with a password in it.
        return k.contains("key") || k.contains("secret") || k.contains("token") || k.contains("password") || k == "store"
    }

    static func values(_ map: [String: String]) -> [AbsoluteConfigKey: ConfigValue] {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        for (key, value) in map {
            values[AbsoluteConfigKey(key.split(separator: ".").map(String.init))] = ConfigValue(.string(value), isSecret: isSecret(key))
        }
        return values
    }

    public mutating func load() throws(SettingsError) -> HeartlineSettings {
        var s = HeartlineSettings()
        s.http.host = string("host") ?? s.http.host
        s.http.port = int("port", range: 0...65535) ?? s.http.port
        s.http.maxBodyBytes = int("http.maxBodyBytes", range: 1024...(16 << 20)) ?? s.http.maxBodyBytes
        s.http.accessLog = bool("http.accessLog") ?? s.http.accessLog
        s.local.enabled = bool("local.enabled")
        s.local.apiKey = secret("local.apiKey")
        s.local.replyTimeout = milliseconds("local.replyTimeoutMs", range: 100...600_000) ?? s.local.replyTimeout
        s.metrics.enabled = bool("metrics.enabled")
        s.metrics.token = secret("metrics.token")
        s.dataDirectory = string("data.dir") ?? s.dataDirectory
        s.store = string("store") ?? s.store
        if s.store != "file" {
            do throws(PostgresStoreConfiguration.ParseError) {
                _ = try PostgresStoreConfiguration(url: s.store)
            } catch {
                problems.append("\(error) (expected `file` or postgres://USER:PASSWORD@HOST:PORT/DATABASE)")
            }
        }
        if let hours = double("dedupe.hours", range: 0.01...(24 * 3650)) { s.embeddedStore.dedupeRetention = .milliseconds(Int64(hours * 3_600_000)) }
        if let hours = double("dedupe.telegramHours", range: 0.01...(24 * 3650)) { s.embeddedStore.dedupeRetentionByChannel[.telegram] = .milliseconds(Int64(hours * 3_600_000)) }
        if let hours = double("dedupe.wechatHours", range: 0.01...(24 * 3650)) { s.embeddedStore.dedupeRetentionByChannel[.wechat] = .milliseconds(Int64(hours * 3_600_000)) }
        if let hours = double("dedupe.localHours", range: 0.01...(24 * 3650)) { s.embeddedStore.dedupeRetentionByChannel[.local] = .milliseconds(Int64(hours * 3_600_000)) }
        if let hours = double("dedupe.miniprogramHours", range: 0.01...(24 * 3650)) { s.embeddedStore.dedupeRetentionByChannel[.miniprogram] = .milliseconds(Int64(hours * 3_600_000)) }
        if let hours = double("dedupe.replyHours", range: 0.01...(24 * 365)) { s.embeddedStore.replyRetention = .milliseconds(Int64(hours * 3_600_000)) }
        s.embeddedStore.pruneInterval = milliseconds("dedupe.pruneIntervalMs", range: 100...86_400_000) ?? s.embeddedStore.pruneInterval
        s.embeddedStore.sessionCacheBytes = (int("session.cacheMegabytes", range: 0...65_536) ?? s.embeddedStore.sessionCacheBytes >> 20) << 20
        s.hashKey = secret("hash.key")
        if let key = s.hashKey, key.utf8.count < 16 { problems.append("hash.key: must be at least 16 characters") }

        s.model.name = string("model.name") ?? s.model.name
        s.model.baseURL = string("model.baseUrl") ?? s.model.baseURL
        if !(s.model.baseURL.hasPrefix("http://") || s.model.baseURL.hasPrefix("https://")) {
            problems.append("model.baseUrl: must start with http:// or https://")
        }
        s.model.apiKey = secret("model.apiKey") ?? ProcessInfo.processInfo.environment["OPENAI_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        s.model.organization = string("model.organization")
        s.model.chat = bool("model.chat") ?? s.model.chat
        s.model.systemPrompt = string("model.systemPrompt")
        s.model.maxTokens = int("model.maxTokens", range: 1...32_000) ?? s.model.maxTokens
        s.model.temperature = double("model.temperature", range: 0...2) ?? s.model.temperature
        s.model.maxRetries = int("model.maxRetries", range: 0...10) ?? s.model.maxRetries
        s.model.breakerThreshold = int("model.breakerThreshold", range: 1...1000) ?? s.model.breakerThreshold
        s.model.breakerCoolDown = milliseconds("model.breakerCoolDownMs", range: 100...3_600_000) ?? s.model.breakerCoolDown
        if !s.model.name.isEmpty, s.model.apiKey == nil, s.model.baseURL.contains("api.openai.com") {
            problems.append("model.apiKey: required when model.name is set and model.baseUrl is OpenAI (or set OPENAI_API_KEY)")
        }

        s.retrieval.corpusPath = string("retrieval.corpus")
        if let path = s.retrieval.corpusPath, !FileManager.default.isReadableFile(atPath: path) {
            problems.append("retrieval.corpus: \(path) does not exist or is not readable")
        }
        if let threshold = double("retrieval.threshold", range: 0...1) { s.retrieval.threshold = Float(threshold) }

        var p = s.pipeline
        p.maxInputCharacters = int("input.maxChars", range: 10...100_000) ?? p.maxInputCharacters
        p.sessionLimits.maxTurns = int("session.maxTurns", range: 1...1000) ?? p.sessionLimits.maxTurns
        p.sessionLimits.maxCharacters = int("session.maxChars", range: 100...1_000_000) ?? p.sessionLimits.maxCharacters
        if let hours = double("session.ttlHours", range: 0.001...(24 * 365)) { p.sessionLimits.idleTTL = .milliseconds(Int64(hours * 3_600_000)) }
        p.modelBudget = milliseconds("model.budgetMs", range: 100...600_000) ?? p.modelBudget
        // Streaming needs a remote model; with the embedded model alone it changes nothing.
        p.streamReplies = bool("model.stream") ?? p.streamReplies
        if let hours = double("safety.crisisCooldownHours", range: 0...(24 * 30)) { p.crisisCooldown = .milliseconds(Int64(hours * 3_600_000)) }
        if let separator = string("prompt.separator") { p.promptFormat.separator = Self.unescape(separator) }
        if let stop = string("prompt.stop") { p.promptFormat.stopSequence = Self.unescape(stop) }
        p.promptFormat.historyTurns = int("prompt.historyTurns", range: 0...20) ?? p.promptFormat.historyTurns
        if p.promptFormat.separator.isEmpty { problems.append("prompt.separator: must not be empty") }
        s.pipeline = p

        s.telegram = loadTelegram(isLoopback: s.isLoopback)

        s.queueCapacity = int("queue.capacity", range: 1...10_000_000) ?? s.queueCapacity
        s.workers = int("workers", range: 1...4096) ?? s.workers
        s.sweepInterval = milliseconds("session.sweepIntervalMs", range: 1000...86_400_000) ?? s.sweepInterval
        if let days = double("feedback.retentionDays", range: 1...3650) { s.feedbackRetention = .milliseconds(Int64(days * 86_400_000)) }
        loadSafety(into: &s.safety)
        checkModeration(s)
        loadHandoff(into: &s.handoff, telegramEnabled: s.telegram.isEnabled)
        problems += WeChatSettingsLoader.load(reader, into: &s.wechat)
        if s.metrics.enabled == true, !s.isLoopback, s.metrics.token == nil {
            problems.append("metrics.token: required when metrics.enabled is true and host is not loopback (or put /metrics behind a proxy and listen on 127.0.0.1)")
        }
        s.logLevel = string("log.level") ?? s.logLevel
        if !["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(s.logLevel) {
            problems.append("log.level: one of trace, debug, info, notice, warning, error, critical")
        }
        if !problems.isEmpty { throw SettingsError(problems: problems) }
        return s
    }

    /// `\n` and `\t` written literally in a setting become the characters.
    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\n", with: "\n").replacingOccurrences(of: "\\t", with: "\t")
    }

    // MARK: Typed reads that collect problems

    func raw(_ key: String) -> String? {
        // Values are read as text and checked here, whatever their source: the environment has
        // only text, and a number or a boolean in the JSON config file is read as its text.
        let configKey = ConfigKey(key.split(separator: ".").map(String.init))
        let secret = Self.isSecret(key)
        let value = reader.string(forKey: configKey, isSecret: secret)
            ?? reader.int(forKey: configKey, isSecret: secret).map { String($0) }
            ?? reader.double(forKey: configKey, isSecret: secret).map { String($0) }
            ?? reader.bool(forKey: configKey, isSecret: secret).map { String($0) }
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    func string(_ key: String) -> String? { raw(key) }

    func secret(_ key: String) -> String? { raw(key) }

    mutating func int(_ key: String, range: ClosedRange<Int>) -> Int? {
        guard let text = raw(key) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            problems.append("\(key): expected a whole number in \(range.lowerBound)…\(range.upperBound), got \(Self.isSecret(key) ? "<secret>" : text)")
            return nil
        }
        return value
    }

    mutating func double(_ key: String, range: ClosedRange<Double>) -> Double? {
        guard let text = raw(key) else { return nil }
        guard let value = Double(text), range.contains(value) else {
            problems.append("\(key): expected a number in \(range.lowerBound)…\(range.upperBound), got \(text)")
            return nil
        }
        return value
    }

    mutating func bool(_ key: String) -> Bool? {
        guard let text = raw(key)?.lowercased() else { return nil }
        switch text {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default:
            problems.append("\(key): expected true or false, got \(text)")
            return nil
        }
    }

    mutating func milliseconds(_ key: String, range: ClosedRange<Int>) -> Duration? {
        int(key, range: range).map { .milliseconds($0) }
    }
}

