import ArgumentParser

/// `heartline eval …`: offline quality measurements.
struct Eval: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the quality of the embedded model.",
        subcommands: [EvalAnswers.self, EvalRetrieval.self]
    )
}
