import ArgumentParser
import ChatCore
import HeartlineServer

/// The prompt layout dataset commands write and check: the same `PromptFormat` `serve` uses,
/// read from the same configuration (`prompt.separator`, `prompt.stop`, `prompt.historyTurns`),
/// with flags on top.
struct DatasetFormatOptions: ParsableArguments {
    @Option(name: .long, help: "JSON config file (the one `serve` uses), for the prompt format.")
    var config: String?

    @Option(name: .long, help: "Prompt separator (default from prompt.separator, else \"\\n\\n###\\n\\n\"; write \\n for newlines).")
    var separator: String?

    @Option(name: .long, help: "Completion stop sequence (default from prompt.stop, else \" [END]\").")
    var stop: String?

    @Option(name: .customLong("context-turns"), help: "Prior turns rendered into prompts (default prompt.historyTurns, else 0).")
    var contextTurns: Int?

    func promptFormat() async throws -> PromptFormat {
        var overrides: [String: String] = [:]
        overrides["prompt.separator"] = separator
        overrides["prompt.stop"] = stop
        overrides["prompt.historyTurns"] = contextTurns.map(String.init)
        do {
            let reader = try await SettingsLoader.reader(overrides: overrides, configFile: config)
            var loader = SettingsLoader(reader: reader)
            return try loader.load().pipeline.promptFormat
        } catch let error as SettingsError {
            throw Terminal.fail(error.description)
        }
    }
}
