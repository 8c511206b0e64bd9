import ChatCore
import Foundation

/// The sealed format's breakdowns: recall by register, false crisis on hard negatives, the tier
/// confusion (concern against none), and how often a detected crisis names its concept.
extension EvalReport {
    /// Crisis items by register: (register, total, detected as crisis).
    public var perRegister: [(register: String, total: Int, right: Int)] {
        var table: [String: (Int, Int)] = [:]
        for outcome in outcomes where outcome.item.expected == .crisis {
            let register = outcome.item.register ?? "(none)"
            let (total, good) = table[register] ?? (0, 0)
            table[register] = (total + 1, good + (outcome.detection.tier == .crisis ? 1 : 0))
        }
        return table.map { ($0.key, $0.value.0, $0.value.1) }.sorted { $0.register < $1.register }
    }

    /// Hard negatives (`negative:…`, `hard_negative`) and how many were flagged as crisis.
    public var hardNegatives: (total: Int, falseCrisis: Int) {
        let negatives = outcomes.filter { $0.item.isHardNegative }
        return (negatives.count, negatives.filter { $0.detection.tier == .crisis }.count)
    }

    /// Share of hard negatives flagged as crisis (0 when the file has none).
    public var hardNegativeFalseCrisisRate: Double {
        let (total, wrong) = hardNegatives
        return total == 0 ? 0 : Double(wrong) / Double(total)
    }

    /// Counts by labelled tier (rows) and detected tier (columns), for items with a `tier`.
    public var tierConfusion: [SafetyTier: [SafetyTier: Int]] {
        var table: [SafetyTier: [SafetyTier: Int]] = [:]
        for outcome in outcomes {
            guard let expected = outcome.item.tier else { continue }
            table[expected, default: [:]][outcome.detection.tier, default: 0] += 1
        }
        return table
    }

    /// Of the crisis items detected as crisis: how many carried a concept, and how many carried
    /// the concept their `kind` names.
    public var conceptCoverage: (detected: Int, withConcept: Int, matchingKind: Int) {
        let caught = outcomes.filter { $0.item.expected == .crisis && $0.detection.tier == .crisis }
        let matching = caught.filter { outcome in
            outcome.item.kinds.contains { RiskConcept(rawValue: $0).map(outcome.detection.concepts.contains) ?? false }
        }
        return (caught.count, caught.filter { !$0.detection.concepts.isEmpty }.count, matching.count)
    }

    func renderBreakdown() -> [String] {
        var out: [String] = []
        func pct(_ a: Int, _ b: Int) -> String { b == 0 ? "-" : String(format: "%.3f", Double(a) / Double(b)) }
        let (negatives, wrong) = hardNegatives
        if negatives > 0 {
            out.append("false crisis on hard negatives: \(pct(wrong, negatives)) (\(wrong)/\(negatives))")
        }
        let coverage = conceptCoverage
        if coverage.detected > 0 {
            out.append("detected crises carrying a concept: \(pct(coverage.withConcept, coverage.detected)) (\(coverage.withConcept)/\(coverage.detected)); the concept of their kind: \(pct(coverage.matchingKind, coverage.detected))")
        }
        let confusion = tierConfusion
        if !confusion.isEmpty {
            out.append("")
            out.append("tier confusion (rows labelled, columns detected)")
            out.append("  " + "".padding(toLength: 10, withPad: " ", startingAt: 0) + "crisis   concern  none")
            for expected in [SafetyTier.crisis, .concern, .none] {
                guard let row = confusion[expected] else { continue }
                let cells = [SafetyTier.crisis, .concern, .none].map { "\(row[$0] ?? 0)".padding(toLength: 9, withPad: " ", startingAt: 0) }
                out.append("  " + expected.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0) + cells.joined())
            }
        }
        let registers = perRegister
        if registers.count > 1 || registers.first?.register != "(none)" {
            out.append("")
            out.append("crisis recall per register (right / total)")
            for row in registers {
                out.append("  " + row.register.padding(toLength: 26, withPad: " ", startingAt: 0) + "\(row.right)/\(row.total)".padding(toLength: 10, withPad: " ", startingAt: 0) + pct(row.right, row.total))
            }
        }
        return out
    }
}
