import ArgumentParser
import Datasets
import Foundation

/// `heartline dataset stats`: counts, length histograms and categories of training or source files.
struct DatasetStats: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Describe a training file, or flyrae / efaqa source files (counts, lengths, categories)."
    )

    @Argument(help: "JSONL training file(s).")
    var files: [String] = []
    @Option(name: .long, help: "flyrae source file (repeatable).")
    var flyrae: [String] = []
    @Option(name: .long, help: "efaqa source file (repeatable).")
    var efaqa: [String] = []
    @Option(name: .customLong("tokens-per-cjk"), help: "Token estimate per non-ASCII character (default 1.9).")
    var tokensPerCJK = TokenEstimator.calibratedCJK
    @OptionGroup var promptFormat: DatasetFormatOptions

    func run() async throws {
        guard !(files.isEmpty && flyrae.isEmpty && efaqa.isEmpty) else { throw ValidationError("give a training file, --flyrae or --efaqa") }
        let format = try await promptFormat.promptFormat()
        let estimator = TokenEstimator(tokensPerCJK: tokensPerCJK)
        do {
            for file in files {
                let s = try TrainingFileStatistics.compute(path: file, format: format)
                print("\(file): \(s.examples) example(s)\(s.chatExamples > 0 ? " (\(s.chatExamples) chat)" : ""), \(s.groups) distinct question(s), \(s.duplicates) duplicate line(s), \(s.bytes) bytes")
                print("  characters \(s.characters.total) (\(s.characters.other) non-ASCII), estimated tokens \(Int(estimator.tokens(ascii: s.characters.ascii, other: s.characters.other)))")
                print(Self.histogram("question length", s.questionLengths))
                print(Self.histogram("answer length", s.answerLengths))
                if !s.categories.isEmpty { print("  categories: " + Self.top(s.categories)) }
            }
            for (kind, paths) in [(SourceKind.flyrae, flyrae), (.efaqa, efaqa)] {
                for path in paths {
                    let s = try SourceStatistics.compute(path: path, kind: kind)
                    let recipe = kind == .flyrae ? "flagged 推荐" : "knowledge and not negative (SOS included)"
                    print("\(path) (\(kind.rawValue)): \(s.records) record(s), \(s.malformed) malformed, \(s.invalid) unreadable")
                    print("  \(s.answers) \(kind == .flyrae ? "answers" : "chats"), \(s.recipeAnswers) \(recipe)" + (kind == .efaqa ? ", \(s.sosThreads) SOS thread(s)" : ""))
                    print(Self.histogram(kind == .flyrae ? "answer length" : "chat length", s.answerLengths))
                    print("  categories: " + Self.top(s.categories))
                }
            }
        } catch {
            throw Terminal.fail("\(error)")
        }
    }

    static func histogram(_ title: String, _ h: LengthHistogram) -> String {
        guard h.count > 0 else { return "  \(title): none" }
        var lines = ["  \(title): mean \(Int(h.mean)), median \(h.percentile(0.5)), p90 \(h.percentile(0.9)), max \(h.percentile(1))"]
        let peak = max(1, h.counts.max() ?? 1)
        for (label, count) in zip(LengthHistogram.labels, h.counts) {
            let bar = String(repeating: "▇", count: Int((Double(count) / Double(peak) * 30).rounded(.up)))
            lines.append("    \(label.padding(toLength: 10, withPad: " ", startingAt: 0)) \(String(count).padding(toLength: 8, withPad: " ", startingAt: 0)) \(bar)")
        }
        return lines.joined(separator: "\n")
    }

    static func top(_ counts: [String: Int]) -> String {
        counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(20).map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }
}
