import ArgumentParser
import Foundation
import Safety

/// `heartline safety features FILE`: the risk classifier's features for each line of a JSONL file,
/// one JSON array per line, in order. `tools/train_risk_classifier.py` trains on these, so the
/// features the model is trained on are computed by the same code that scores live messages
/// (canonical text, concept activations): parity by construction.
struct SafetyFeatures: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Print the risk classifier's features for each {\"text\", \"recent\"?} line of a JSONL file."
    )

    @Argument(help: "A JSONL file (lines starting with # are skipped).")
    var file: String

    @OptionGroup var lexiconOption: LexiconOption

    func run() async throws {
        let detector = try lexiconOption.detector()
        guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
        struct Line: Decodable { var text: String; var recent: [String]? }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for (index, raw) in data.split(separator: UInt8(ascii: "\n")).enumerated() {
            let trimmed = raw.drop { $0 == 0x20 || $0 == 0x09 }
            if trimmed.isEmpty || trimmed.first == UInt8(ascii: "#") { continue }
            guard let line = try? JSONDecoder().decode(Line.self, from: Data(trimmed)) else {
                throw ValidationError("\(file):\(index + 1): expected {\"text\": string, \"recent\"?: [string]}")
            }
            let features = RiskClassifier.features(detector.classifierFeatures(line.text, recent: line.recent ?? [])).sorted()
            FileHandle.standardOutput.write(try encoder.encode(features) + Data("\n".utf8))
        }
    }
}
