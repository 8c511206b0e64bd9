import ChatCore

/// Exaggeration: the ways people say "I could die" without meaning it (docs/safety.md,
/// "Exaggeration"). It may lower a bare wish or thought, never a plan, means, preparation, a method
/// question, an attempt or self-harm: those are acts, and no laughter makes them safe.
extension RuleEngine {
    enum Exaggeration: Equatable {
        /// Laughter or irony (哈哈, 😂, 狗头), a degree complement (累得想死, 气得想掐死他), the same
        /// words said twice in a row (不活了不活了): the message is not at risk.
        case hyperbole
        /// A plot or a character somewhere in the message: at most a concern.
        case fiction
        /// Harm to others said of an everyday grievance (室友又不倒垃圾，真想弄死她): anger, met as a
        /// concern, never when a plan, means or preparation is in the message.
        case anger
    }

    /// Concepts exaggeration may lower; anything else in a finding keeps the crisis.
    static let lowerable: Set<RiskConcept> = [.suicidalThought, .passiveWish, .burdensomeness, .thwartedBelonging, .harmToOthers]

    /// How the crisis findings of `text` are exaggerated, if they all are and none of them is an act.
    func exaggeration(of findings: [Finding], in text: CanonicalText, hits: [[Hit]]) -> Exaggeration? {
        let crisis = findings.filter { $0.label == "crisis" }
        guard !crisis.isEmpty, crisis.allSatisfy({ Self.lowerable.contains($0.concept ?? .plan) }) else { return nil }
        guard hits[Int(context.serious)].isEmpty else { return nil }
        if !hits[Int(context.joke)].isEmpty { return .hyperbole }
        let degrees = hits[Int(context.degree)]
        let allExaggerated = crisis.allSatisfy { finding in
            let byDegree = degrees.contains { degree in
                Int(degree.end) <= finding.start && text.clauses[Int(degree.start)] == text.clauses[finding.start]
                    && text.gap(afterEnd: Int(degree.end), toStart: finding.start) <= 1
            }
            return byDegree || isRepeated(finding, in: text)
        }
        if allExaggerated { return .hyperbole }
        if !hits[Int(context.fiction)].isEmpty { return .fiction }
        if isAnger(crisis), !hits[Int(context.grievance)].isEmpty,
           hits[Int(context.resolve)].isEmpty { return .anger }
        return nil
    }

    /// Every crisis finding is harm to others, or a death word inside one (the 死 of 掐死她 also
    /// reads as a wish to die).
    private func isAnger(_ crisis: [Finding]) -> Bool {
        let harm = crisis.filter { $0.concept == .harmToOthers }
        guard !harm.isEmpty else { return false }
        return crisis.allSatisfy { finding in
            finding.concept == .harmToOthers || harm.contains { $0.start < finding.end && finding.start < $0.end }
        }
    }

    /// The finding's words said again right next to it, in its clause (不活了不活了, 想死想死想死);
    /// 好想死，真的好想死 is emphasis, not play.
    private func isRepeated(_ finding: Finding, in text: CanonicalText) -> Bool {
        let length = finding.end - finding.start
        guard length >= 2 else { return false }
        let span = text.scalars[finding.start..<finding.end]
        let clause = text.clauses[finding.start]
        let from = max(0, finding.start - length - 2)
        let to = min(text.count - length, finding.end + 2)
        guard from <= to else { return false }
        for i in from...to where i + length <= finding.start || i >= finding.end {
            if text.clauses[i] == clause, text.clauses[i + length - 1] == clause, text.scalars[i..<(i + length)].elementsEqual(span) { return true }
        }
        return false
    }
}
