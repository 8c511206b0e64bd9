import ArgumentParser

/// `heartline dataset …`: the seed recipe's data steps as commands.
struct Dataset: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Prepare, check, split, describe and price fine-tuning data (see docs/datasets.md).",
        subcommands: [DatasetPrepare.self, DatasetCheck.self, DatasetSplit.self, DatasetStats.self, DatasetEstimate.self]
    )
}
