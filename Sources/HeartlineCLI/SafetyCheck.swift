import ArgumentParser
import ChatCore
import Foundation
import Safety

/// `heartline safety check "…"`: how the detector reads one message, rule by rule.
struct SafetyCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Show the tier, reasons and matching rules for a message."
    )

    @Argument(help: "The message (or - to read lines from standard input).")
    var text: String

    @Option(name: .long, help: "An earlier question of the session (repeat, oldest first).")
    var recent: [String] = []

    @OptionGroup var lexiconOption: LexiconOption

    func run() async throws {
        let detector = try lexiconOption.detector()
        let messages = text == "-" ? Array(AnyIterator { readLine() }) : [text]
        for message in messages {
            let detection = detector.detect(message, recent: recent)
            print("\(detection.tier.rawValue)\t\(detection.reasons.joined(separator: ","))\t\(detection.policy.joined(separator: ","))")
            if !detection.concepts.isEmpty { print("  concepts: \(detection.concepts.sorted().map(\.rawValue).joined(separator: ", "))") }
            print("  canonical: \(detector.canonicalForm(message))")
            for finding in detector.explain(message) {
                print("  \(finding.label)/\(finding.family)  \(finding.rule)  «\(finding.span)»")
            }
        }
    }
}
