import Foundation

extension FeedbackReport {
    /// The report for a terminal: totals, then each grouping worst first, at most `limit` rows each.
    public func text(limit: Int = 20) -> String {
        var lines: [String] = []
        let formatter = ISO8601DateFormatter()
        lines.append("feedback since \(formatter.string(from: since))")
        guard votes > 0 else {
            lines.append("no votes yet")
            return lines.joined(separator: "\n")
        }
        lines.append("votes: \(votes)  up: \(up)  down: \(down)  down rate: \(Self.percent(Double(down) / Double(votes)))")
        Self.section("by source", bySource, limit: limit, into: &lines)
        Self.section("by safety tier", byTier, limit: limit, into: &lines)
        Self.section("by intent (retrieval), worst first", byIntent, limit: limit, into: &lines)
        Self.section("by answer (retrieval), worst first", byAnswer, limit: limit, into: &lines)
        if !reasons.isEmpty {
            lines.append("")
            lines.append("reasons given with down votes:")
            for reason in reasons { lines.append("  \(reason.reason.padding(toLength: 12, withPad: " ", startingAt: 0)) \(reason.count)") }
        }
        return lines.joined(separator: "\n")
    }

    static func section(_ title: String, _ groups: [Group], limit: Int, into lines: inout [String]) {
        guard !groups.isEmpty else { return }
        lines.append("")
        lines.append("\(title):")
        lines.append("  " + ["down", "up", "down rate", "name"].enumerated().map { i, h in i == 3 ? h : h.padding(toLength: 10, withPad: " ", startingAt: 0) }.joined())
        for group in groups.prefix(max(1, limit)) {
            var name = group.key
            if let intent = group.intent, intent != group.key { name += "  intent=\(intent)" }
            if let category = group.category { name += "  category=\(category)" }
            let cells = [String(group.down), String(group.up), percent(group.downRate)].map { $0.padding(toLength: 10, withPad: " ", startingAt: 0) }
            lines.append("  " + cells.joined() + name)
        }
        if groups.count > limit { lines.append("  … \(groups.count - limit) more (--limit, or --json for all)") }
    }

    static func percent(_ value: Double) -> String {
        String(format: "%.0f %%", value * 100)
    }
}
