import ArgumentParser
import Safety

/// `heartline safety …`: tools for the safety layer's rules.
struct SafetyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "safety",
        abstract: "Evaluate, try and benchmark the safety layer's crisis detector.",
        subcommands: [SafetyEval.self, SafetyCheck.self, SafetyBench.self]
    )
}

/// The lexicon option every safety subcommand shares: rule authors point it at their working copy
/// to try a change without rebuilding.
struct LexiconOption: ParsableArguments {
    @Option(name: .long, help: "Lexicon directory to use instead of the built-in one (e.g. Sources/Safety/Resources/lexicon).")
    var lexicon: String?

    func detector() throws -> CrisisDetector {
        do {
            return CrisisDetector(lexicon: try lexicon.map { try Lexicon.load(directory: $0) } ?? Lexicon.bundled(), classifier: try? RiskClassifier.bundled())
        } catch {
            throw ValidationError("cannot load the lexicon: \(error)")
        }
    }
}
