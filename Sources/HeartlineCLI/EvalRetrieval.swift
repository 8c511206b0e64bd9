import ArgumentParser
import Foundation
import HeartlineServer
import ModelBackends

/// `heartline eval retrieval FILE`: top-1/top-3 category accuracy, confusion and below-threshold
/// rates of the retrieval model on a JSONL of `{"text","category"}`.
struct EvalRetrieval: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrieval",
        abstract: "Evaluate category routing of the retrieval model on a JSONL of {\"text\",\"category\"}.",
        discussion: "Use category \"off-topic\" for chatter that should fall below the threshold."
    )

    @OptionGroup var common: CommonOptions

    @Argument(help: "JSONL file with one {\"text\", \"category\"} per line.")
    var file: String

    @Option(name: .long, help: "Override the score threshold (0…1).")
    var threshold: Float?

    @Flag(name: .long, help: "List every miss.")
    var misses = false

    @Flag(name: .long, help: "Print each question's best score (to choose a threshold).")
    var scores = false

    func run() async throws {
        var settings = try await common.settings()
        if let threshold { settings.retrieval.threshold = threshold }
        let model = try ModelFactory.retrieval(settings: settings)
        let items: [RetrievalEvaluation.Item]
        do {
            items = try RetrievalEvaluation.load(path: file)
        } catch {
            throw ValidationError("\(error)")
        }
        if scores {
            for item in items {
                let ranking = model.rank(item.text)
                print(String(format: "%.3f", ranking.best), item.category, ranking.categories.first ?? "-", separator: "\t")
            }
            return
        }
        let report = RetrievalEvaluation.run(model, items: items)
        print(Self.format(report, threshold: model.configuration.threshold, showMisses: misses))
    }

    static func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }

    static func format(_ r: RetrievalEvaluation.Report, threshold: Float, showMisses: Bool) -> String {
        var lines: [String] = []
        lines.append("questions: \(r.onTopic) on topic, \(r.offTopic) off topic · threshold \(threshold)")
        lines.append("top-1 category accuracy: \(percent(r.top1Accuracy)) (\(r.top1)/\(r.onTopic))")
        lines.append("top-3 category accuracy: \(percent(r.top3Accuracy)) (\(r.top3)/\(r.onTopic))")
        lines.append("on-topic below threshold: \(percent(r.onTopicBelowThresholdRate)) (\(r.onTopicBelowThreshold)/\(r.onTopic))")
        lines.append("off-topic below threshold: \(percent(r.offTopicBelowThresholdRate)) (\(r.offTopicBelowThreshold)/\(r.offTopic))")
        lines.append("")
        lines.append("confusion (expected → predicted top-1, count):")
        for (expected, row) in r.confusion.sorted(by: { $0.key < $1.key }) {
            let cells = row.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.map { "\($0.key) \($0.value)" }
            lines.append("  \(expected) → " + cells.joined(separator: ", "))
        }
        if showMisses {
            lines.append("")
            lines.append("misses:")
            for miss in r.misses { lines.append("  [\(miss.expected) → \(miss.got.joined(separator: "/"))] \(miss.text)") }
        }
        return lines.joined(separator: "\n")
    }
}
