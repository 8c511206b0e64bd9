import ArgumentParser
import Foundation
import HeartlineServer
import ModelBackends

/// `heartline eval answers --cases FILE [--corpus FILE]`: how often the embedded model answers the
/// intent that was asked, answers another one, asks a follow-up or offers the menu, and whether any
/// reply names a person or pet the question did not (docs/starter-corpus.md).
struct EvalAnswers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "answers",
        abstract: "Evaluate whole replies of the retrieval model on a JSONL of {\"text\",\"intent\"}.",
        discussion: """
        Cases: one {"id","text","intent","lang"} per line; intent "out_of_scope" for questions the \
        assistant should not answer. Exit code 2 when --min-correct or --max-wrong is not met.
        """
    )

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: "Corpus JSONL (default: retrieval.corpus from the configuration, else the starter corpus).")
    var corpus: String?

    @Option(name: .long, help: "Labelled questions, JSONL.")
    var cases: String

    @Option(name: .long, help: "Intent taxonomy TSV used to judge a corpus without intents (default: the bundled intents.tsv).")
    var taxonomy: String?

    @Option(name: .customLong("min-correct"), help: "Exit non-zero when the correct-intent rate (0…1) is below this.")
    var minCorrect: Double?

    @Option(name: .customLong("max-wrong"), help: "Exit non-zero when the wrong-intent rate (0…1) is above this.")
    var maxWrong: Double?

    @Flag(name: .long, help: "List every question not answered correctly (text is printed: use on your own test files).")
    var misses = false

    func run() async throws {
        var settings = try await common.settings()
        if let corpus { settings.retrieval.corpusPath = corpus }
        let model = try ModelFactory.retrieval(settings: settings)
        let items: [AnswerEvaluation.Case]
        var map = AnswerEvaluation.bundledTaxonomy()
        do {
            items = try AnswerEvaluation.load(path: cases)
            if let taxonomy {
                map = AnswerEvaluation.taxonomy(tsv: try String(contentsOfFile: taxonomy, encoding: .utf8))
            }
        } catch {
            throw ValidationError("\(error)")
        }
        let report = try await AnswerEvaluation.run(model, cases: items, taxonomy: map)
        print("corpus: \(model.name) · \(model.intents.count) intents, \(model.questionCount) question variants")
        print(Self.format(report, showMisses: misses))
        if let minCorrect, report.rate(.correct) < minCorrect { throw ExitCode(2) }
        if let maxWrong, report.rate(.wrong) > maxWrong { throw ExitCode(2) }
    }

    static func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }

    static func format(_ r: AnswerEvaluation.Report, showMisses: Bool) -> String {
        let judged = r.inScopeJudged
        func line(_ label: String, _ outcome: AnswerEvaluation.Outcome) -> String {
            "\(label): \(percent(r.rate(outcome))) (\(r.inScope[outcome] ?? 0)/\(judged))"
        }
        var lines = ["in-scope questions: \(judged)" + ((r.inScope[.unjudged] ?? 0) > 0 ? " (+\(r.inScope[.unjudged] ?? 0) unjudged)" : "")]
        lines.append(line("correct intent", .correct))
        lines.append(line("wrong intent", .wrong))
        lines.append(line("follow-up", .followUp))
        lines.append(line("menu", .menu))
        let held = (r.outOfScope[.followUp] ?? 0) + (r.outOfScope[.menu] ?? 0)
        lines.append("out-of-scope follow-up or menu: \(percent(r.outOfScopeHeld)) (\(held)/\(r.outOfScopeCount))")
        lines.append("replies naming a person, relationship or pet absent from the question: \(r.roleInconsistent)")
        if showMisses {
            lines.append("")
            lines.append("misses:")
            for m in r.misses { lines.append("  [\(m.outcome.rawValue): \(m.expected) → \(m.got)] \(m.text)") }
            for m in r.roleMisses { lines.append("  [role: \(m.roles.joined(separator: ",")) in \(m.answerID)] \(m.text)") }
        }
        return lines.joined(separator: "\n")
    }
}
