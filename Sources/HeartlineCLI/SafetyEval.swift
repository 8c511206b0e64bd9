import ArgumentParser
import Foundation
import Safety

/// `heartline safety eval FILE`: precision, recall and F1 of the crisis tier on a labelled file.
struct SafetyEval: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate crisis detection on a labelled file (JSONL or PsySUICIDE JSON).",
        discussion: """
        JSONL lines are {"text": "…", "crisis": true|false, "kind": "…"?, "recent": ["…"]?} or the sealed
        format {"text", "tier": "crisis"|"concern"|"none", "kind", "register", "recent"?} (docs/safety.md):
        the report adds recall per register, false crisis on hard negatives (kind negative:…), the tier
        confusion and how many detected crises carry a concept.
        PsySUICIDE files are JSON arrays of {"text", "labels"}; 主动自杀意图, 自杀计划, 自杀准备行为,
        自杀未遂, 自伤行为, 自伤意图, 用户攻击行为 and 他人攻击行为 count as crisis; 被动自杀意图 and
        关于自杀的探索 as concern-or-crisis; anything else as not crisis.
        """
    )

    @Argument(help: "The labelled file.")
    var file: String

    @OptionGroup var lexiconOption: LexiconOption

    @Flag(name: .customLong("show-text"), help: "Print the text of misses (only for files you own).")
    var showText = false

    @Option(name: .customLong("max-misses"), help: "How many misses to list.")
    var maxMisses = 100

    @Option(name: .customLong("min-recall"), help: "Exit non-zero when crisis recall is below this.")
    var minRecall: Double?

    @Option(name: .customLong("min-precision"), help: "Exit non-zero when crisis precision is below this.")
    var minPrecision: Double?

    @Option(name: .customLong("max-false-alarm"), help: "Exit non-zero when the false-crisis rate on hard negatives (on all not-crisis items when the file marks none) is above this.")
    var maxFalseAlarm: Double?

    func run() async throws {
        let detector = try lexiconOption.detector()
        let items: [EvalItem]
        do {
            items = try EvalDataset.load(path: file)
        } catch {
            throw ValidationError("\(file): \(error)")
        }
        let report = EvalReport(items: items, detector: detector)
        print(report.render(showText: showText, maxMisses: maxMisses))
        if let minRecall, report.recall < minRecall { throw ExitCode(2) }
        if let minPrecision, report.precision < minPrecision { throw ExitCode(2) }
        if let maxFalseAlarm {
            let rate = report.hardNegatives.total > 0 ? report.hardNegativeFalseCrisisRate : report.falseCrisisRate
            if rate > maxFalseAlarm { throw ExitCode(2) }
        }
    }
}
