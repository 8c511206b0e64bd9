import ArgumentParser
import Configuration
import Foundation
import HeartlineServer
import Logging

/// Options every command that runs the pipeline shares. Flags override every other source.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "JSON config file (keys as in docs/configuration.md).")
    var config: String?

    @Option(name: .customLong("data-dir"), help: "Data directory for sessions and the inbox (default ./.heartline).")
    var dataDirectory: String?

    @Option(name: .long, help: "Fine-tuned or remote model name; empty uses the embedded retrieval model.")
    var model: String?

    @Option(name: .customLong("model-base-url"), help: "OpenAI-compatible base URL (default https://api.openai.com/v1).")
    var modelBaseURL: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String?

    /// Flag values as configuration keys.
    func overrides() -> [String: String] {
        var values: [String: String] = [:]
        values["data.dir"] = dataDirectory
        values["model.name"] = model
        values["model.baseUrl"] = modelBaseURL
        values["log.level"] = logLevel
        return values
    }

    /// Loads and validates settings; on failure prints every problem and exits non-zero.
    func settings(extra: [String: String] = [:]) async throws -> HeartlineSettings {
        do {
            let reader = try await SettingsLoader.reader(overrides: overrides().merging(extra) { _, new in new }, configFile: config)
            var loader = SettingsLoader(reader: reader)
            return try loader.load()
        } catch let error as SettingsError {
            throw ValidationError(error.description)
        }
    }
}

/// Sets up logging once: to standard error, at the configured level.
enum LoggingSetup {
    static func bootstrap(level: String) -> Logger {
        let parsed = Logger.Level(rawValue: level) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = parsed
            return handler
        }
        var logger = Logger(label: "heartline")
        logger.logLevel = parsed
        return logger
    }
}
