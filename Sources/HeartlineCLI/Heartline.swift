import Foundation
import ArgumentParser

/// The `heartline` command tree. Each subcommand lives in its own file.
public struct Heartline: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "heartline",
        abstract: "A bridge between messaging platforms and a psychological-support Q&A model.",
        discussion: """
        With no configuration, `heartline serve` answers from the embedded retrieval model over the
        built-in starter corpus on http://127.0.0.1:8080. Settings come from flags, HEARTLINE_*
        environment variables, a .env file and a JSON config file (see docs/configuration.md).
        """,
        subcommands: [
            Serve.self, Ask.self, Eval.self, SafetyCommand.self, StoreCommand.self, FeedbackCommand.self, Dataset.self, FineTune.self, TelegramCommand.self, WeChatCommand.self, Simulate.self,
        ]
    )

    public init() {}
}

/// Entry point of the `heartline` executable.
public func runHeartline() async {
    await Heartline.main()
}
