import ArgumentParser
import Datasets
import Foundation

/// `heartline dataset split`: deterministic, grouped train/validation split.
struct DatasetSplit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "split",
        abstract: "Split a training file into train and validation, never splitting answers to one question."
    )

    @Argument(help: "The JSONL training file.")
    var file: String
    @Option(name: .long, help: "Fraction of examples for validation (default 0.1).")
    var validation = 0.1
    @Option(name: .customLong("max-validation"), help: "At most this many validation examples.")
    var maxValidation: Int?
    @Option(name: .long, help: "Seed (same seed, same split).")
    var seed: UInt64 = 42
    @Option(name: .customLong("train-output"), help: "Default: FILE with _train.jsonl.")
    var trainOutput: String?
    @Option(name: .customLong("validation-output"), help: "Default: FILE with _valid.jsonl.")
    var validationOutput: String?
    @OptionGroup var promptFormat: DatasetFormatOptions

    func run() async throws {
        var options = DatasetSplitter.Options()
        options.validationFraction = validation
        options.maxValidation = maxValidation
        options.seed = seed
        options.format = try await promptFormat.promptFormat()
        let stem = file.hasSuffix(".jsonl") ? String(file.dropLast(6)) : file
        let train = trainOutput ?? stem + "_train.jsonl"
        let valid = validationOutput ?? stem + "_valid.jsonl"
        do {
            let summary = try DatasetSplitter(options: options).split(path: file, train: train, validation: valid)
            print("train:      \(summary.trainExamples) example(s) in \(summary.trainGroups) question group(s) → \(train)")
            print("validation: \(summary.validationExamples) example(s) in \(summary.validationGroups) question group(s) → \(valid)")
            print("Next: heartline finetune create --training-file \(train) --validation-file \(valid)")
        } catch {
            throw Terminal.fail("\(error)")
        }
    }
}
