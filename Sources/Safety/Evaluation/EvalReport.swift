import ChatCore
import Foundation

/// Precision, recall and F1 for the crisis tier, per-kind results, the confusion table and the
/// misses of one evaluation run.
public struct EvalReport: Sendable {
    public struct Outcome: Sendable {
        public var index: Int
        public var item: EvalItem
        public var detection: Detection
    }

    public let outcomes: [Outcome]

    public init(items: [EvalItem], detector: any CrisisDetecting) {
        outcomes = items.enumerated().map { index, item in
            let detection = (try? detector.detect(item.text, recent: item.recent)) ?? Detection(tier: .crisis, reasons: ["detector_failed"])
            return Outcome(index: index, item: item, detection: detection)
        }
    }

    private func count(_ expected: EvalItem.Expectation, _ predicate: (SafetyTier) -> Bool = { _ in true }) -> Int {
        outcomes.filter { $0.item.expected == expected && predicate($0.detection.tier) }.count
    }

    public var truePositives: Int { count(.crisis) { $0 == .crisis } }
    public var falseNegatives: Int { count(.crisis) { $0 != .crisis } }
    /// Messages that must not be a crisis and were.
    public var falsePositives: Int { count(.notCrisis) { $0 == .crisis } }

    public var recall: Double { ratio(truePositives, truePositives + falseNegatives) }
    public var precision: Double { ratio(truePositives, truePositives + falsePositives) }
    public var f1: Double { precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall) }
    /// Share of not-crisis messages flagged as crisis.
    public var falseCrisisRate: Double { ratio(falsePositives, count(.notCrisis)) }
    /// Share of concern-or-crisis messages flagged at least as concern.
    public var eitherRecall: Double { ratio(count(.concernOrCrisis) { $0 >= .concern }, count(.concernOrCrisis)) }

    private func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }

    /// Whether the reply to `detection` asks the person directly about suicide: every crisis reply
    /// does; a concern reply does when the responder asks the screening question (hopelessness, or
    /// a risk concept held at concern). What a person at risk receives when the tier is missed.
    public static func asksDirectly(_ detection: Detection) -> Bool {
        switch detection.tier {
        case .crisis: true
        case .concern: SafetyResponder().concern(detection.concepts, language: .zh).question == .screening
        case .none: false
        }
    }

    /// Share of crisis messages whose reply asks directly about suicide (crisis, or concern with
    /// the screening question).
    public var askedRecall: Double {
        ratio(outcomes.filter { $0.item.expected == .crisis && Self.asksDirectly($0.detection) }.count, count(.crisis))
    }

    /// Not-crisis messages answered at concern with the screening question (a gentle question, no
    /// alarm, no hotline list), and their share.
    public var notCrisisAsked: Int {
        outcomes.filter { $0.item.expected == .notCrisis && $0.detection.tier == .concern && Self.asksDirectly($0.detection) }.count
    }

    /// Per kind: messages, and how many were judged right (crisis for crisis kinds, not crisis for
    /// the others, at least concern for concern-or-crisis).
    public var perKind: [(kind: String, total: Int, right: Int)] {
        var table: [String: (Int, Int)] = [:]
        for outcome in outcomes {
            let right = Self.isRight(outcome.item.expected, outcome.detection.tier)
            for kind in outcome.item.kinds.isEmpty ? ["(none)"] : outcome.item.kinds {
                let (total, good) = table[kind] ?? (0, 0)
                table[kind] = (total + 1, good + (right ? 1 : 0))
            }
        }
        return table.map { ($0.key, $0.value.0, $0.value.1) }.sorted { $0.total != $1.total ? $0.total > $1.total : $0.kind < $1.kind }
    }

    static func isRight(_ expected: EvalItem.Expectation, _ tier: SafetyTier) -> Bool {
        switch expected {
        case .crisis: tier == .crisis
        case .concernOrCrisis: tier >= .concern
        case .notCrisis: tier != .crisis
        }
    }

    /// The printed report. `showText` prints the text of misses (it is the operator's own file).
    public func render(showText: Bool, maxMisses: Int = 100) -> String {
        var out: [String] = []
        func pct(_ x: Double) -> String { String(format: "%.3f", x) }
        out.append("messages: \(outcomes.count)  (crisis \(count(.crisis)), concern-or-crisis \(count(.concernOrCrisis)), not crisis \(count(.notCrisis)))")
        out.append("crisis  precision \(pct(precision))  recall \(pct(recall))  F1 \(pct(f1))")
        out.append("false-crisis rate on not-crisis: \(pct(falseCrisisRate)) (\(falsePositives)/\(count(.notCrisis)))")
        out.append("crisis asked directly (crisis, or concern with the screening question): \(pct(askedRecall)); not-crisis asked the screening question at concern: \(pct(ratio(notCrisisAsked, count(.notCrisis)))) (\(notCrisisAsked)/\(count(.notCrisis)))")
        if count(.concernOrCrisis) > 0 {
            out.append("concern-or-crisis flagged (≥ concern): \(pct(eitherRecall))")
        }
        out += renderBreakdown()
        out.append("")
        out.append("confusion (rows expected, columns detected)")
        out.append(pad("", 20) + pad("crisis", 9) + pad("concern", 9) + "none")
        for expected in [EvalItem.Expectation.crisis, .concernOrCrisis, .notCrisis] where count(expected) > 0 {
            out.append(pad(expected.rawValue, 20) + pad("\(count(expected) { $0 == .crisis })", 9)
                + pad("\(count(expected) { $0 == .concern })", 9) + "\(count(expected) { $0 == .none })")
        }
        out.append("")
        out.append("per kind (right / total; right is crisis for crisis kinds, not crisis for the others)")
        for row in perKind {
            out.append("  " + pad(row.kind, 26) + pad("\(row.right)/\(row.total)", 10) + pct(ratio(row.right, row.total)))
        }
        let wrong = outcomes.filter { !Self.isRight($0.item.expected, $0.detection.tier) }
        if !wrong.isEmpty {
            out.append("")
            out.append("misses (\(wrong.count)) — expected → detected [reasons]" + (showText ? "" : "; add --show-text to print messages"))
            for outcome in wrong.prefix(maxMisses) {
                var line = "  #\(outcome.index + 1) \(outcome.item.expected.rawValue) → \(outcome.detection.tier.rawValue)"
                if !outcome.detection.reasons.isEmpty { line += " [\(outcome.detection.reasons.joined(separator: ","))]" }
                if !outcome.item.kinds.isEmpty { line += " {\(outcome.item.kinds.joined(separator: ","))}" }
                if showText { line += "  " + outcome.item.text.replacingOccurrences(of: "\n", with: " ").prefix(160) }
                out.append(line)
            }
            if wrong.count > maxMisses { out.append("  … \(wrong.count - maxMisses) more") }
        }
        return out.joined(separator: "\n")
    }

    private func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }
}
