import ArgumentParser
import Foundation
import Safety

/// `heartline safety …`: tools for the safety layer's rules.
struct SafetyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "safety",
        abstract: "Evaluate, try and benchmark the safety layer's crisis detector.",
        subcommands: [SafetyEval.self, SafetyCheck.self, SafetyBench.self, SafetyFeatures.self]
    )
}

/// The lexicon option every safety subcommand shares: rule authors point it at their working copy
/// to try a change without rebuilding.
struct LexiconOption: ParsableArguments {
    @Option(name: .long, help: "Lexicon directory to use instead of the built-in one (e.g. Sources/Safety/Resources/lexicon).")
    var lexicon: String?

    @Option(name: .long, help: "Risk classifier weights to use instead of the built-in ones (a risk-classifier.tsv); `none` for rules only.")
    var classifier: String?

    @Option(name: .customLong("crisis-threshold"), help: "Classifier probability at or above which a message is a crisis (for threshold sweeps; the built-in value otherwise).")
    var crisisThreshold: Double?

    func detector() throws -> CrisisDetector {
        do {
            let model: RiskClassifier?
            switch classifier {
            case nil: model = try? RiskClassifier.bundled()
            case "none": model = nil
            case let path?:
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ValidationError("cannot read \(path)") }
                model = try RiskClassifier.parse(text)
            }
            var detector = CrisisDetector(lexicon: try lexicon.map { try Lexicon.load(directory: $0) } ?? Lexicon.bundled(), classifier: model)
            if let crisisThreshold {
                guard (0...1).contains(crisisThreshold) else { throw ValidationError("--crisis-threshold must be between 0 and 1") }
                detector.classifierCrisisThreshold = crisisThreshold
            }
            return detector
        } catch {
            throw ValidationError("cannot load the lexicon: \(error)")
        }
    }
}
