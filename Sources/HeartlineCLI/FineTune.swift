import ArgumentParser

/// `heartline finetune …`: upload, create, follow, list, show and cancel fine-tuning jobs on
/// OpenAI or any compatible service (base URL and key from the usual settings).
struct FineTune: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finetune",
        abstract: "Create and follow fine-tuning jobs (OpenAI or a compatible service; see docs/datasets.md).",
        subcommands: [FineTuneCreate.self, FineTuneFollow.self, FineTuneList.self, FineTuneShow.self, FineTuneCancel.self]
    )
}
