import ChatCore

/// How a match is read in its context: negation and accidents, topic phrases, titles and
/// reported frames, the past with a recovery, who the subject is, immediacy (docs/safety.md,
/// "How a message is read").
extension RuleEngine {
    enum Subject { case speaker, other, unknown }

    func settle(_ rule: CompiledRule, start: Int, end: Int, hits: [[Hit]], text: CanonicalText) -> Finding? {
        var finding = Finding(
            label: rule.label, family: rule.family, start: start, end: end, rule: rule.source,
            concept: rule.isRisk ? Self.concept(family: rule.family, label: rule.label) : nil
        )
        if rule.flags.contains(.fixed) { return finding }
        if isNegated(start: start, end: end, hits: hits, text: text) { return nil }
        guard rule.isRisk else { return finding }
        if hits[Int(context.topic)].contains(where: { Int($0.start) < end && start < Int($0.end) }) {
            return softened(finding, to: "topic")
        }
        // A title (《自杀小队》, 《活着》) names a work, not the speaker's state.
        if text.isTitle(start) { return softened(finding, to: "topic") }
        // News, fiction and study frames win over immediacy: 新闻里有人今晚跳河 is still a story.
        if isFramed(start: start, end: end, hits: hits, text: text) { return softened(finding, to: "topic") }
        if isPastAndRecovered(start: start, end: end, hits: hits, text: text) { return softened(finding, to: "past") }
        let aboutOther = !rule.flags.contains(.anySubject)
            && (rule.flags.contains(.thirdParty) || subject(before: start, hits: hits, text: text) == .other)
        // Someone else at immediate risk is a crisis even when it is reported to us, unless the
        // message says they are calm now (她现在在家，情绪还算稳定).
        if aboutOther, rule.label == "crisis", isImmediate(at: start, hits: hits, text: text), !saysCalm(hits: hits, text: text) {
            finding.family = "third_party"
            finding.concept = .thirdPersonAtRisk
            return finding
        }
        if aboutOther { return softened(finding, to: "third_party") }
        // An act dangerous whoever does it (`[any]`), done by someone else: the reply helps the
        // speaker help them, so the concept is the third person at risk.
        if rule.flags.contains(.anySubject), rule.label == "crisis", let concept = finding.concept, Self.acts.contains(concept),
           subject(before: start, hits: hits, text: text) == .other, !addressee(before: start, hits: hits, text: text) {
            finding.concept = .thirdPersonAtRisk
        }
        return finding
    }

    /// The concept a rule family stands for. New families are named after the concept itself
    /// (`passive_wish`, `burdensomeness`…); the older ones map here. A concern is hopelessness or
    /// distress: the concept says what the reply should answer, and a concern reply never asks
    /// about a plan.
    static func concept(family: String, label: String) -> RiskConcept {
        if label == "concern" { return family == "hopelessness" ? .hopelessness : .distress }
        if let named = RiskConcept(rawValue: family) { return named }
        switch family {
        case "intent", "ideation": return .suicidalThought
        case "method": return .methodQuestion
        case "violence": return .harmToOthers
        case "third_party": return .thirdPersonAtRisk
        case "abuse_received": return .distress
        default: return .suicidalThought
        }
    }

    /// Whether the nearest person before `start` in its clause is the one spoken to (你们学校天台,
    /// your roof): a place of theirs, not a person at risk.
    func addressee(before start: Int, hits: [[Hit]], text: CanonicalText) -> Bool {
        let clause = text.clauses[start]
        guard let nearest = hits[Int(context.otherPeople)].filter({ Int($0.end) <= start && text.clauses[Int($0.start)] == clause }).max(by: { $0.end < $1.end })
        else { return false }
        let first = text.scalars[Int(nearest.start)]
        return first == "你" || first == "您" || (first == "y" && text.scalars.count > Int(nearest.start) + 2 && text.scalars[Int(nearest.start) + 1] == "o")
    }

    /// Acts whose concept becomes `third_person_at_risk` when someone else does them.
    static let acts: Set<RiskConcept> = [.plan, .preparation, .means, .attempt, .methodQuestion, .selfHarm]

    /// A sentence that asks: it ended with a question mark, or it holds a question word.
    func isQuestion(sentence: Int32, hits: [[Hit]], text: CanonicalText) -> Bool {
        text.questions.contains(sentence) || hits[Int(context.question)].contains { text.sentences[Int($0.start)] == sentence }
    }

    func softened(_ finding: Finding, to family: String) -> Finding {
        var copy = finding
        copy.label = "concern"
        copy.concept = finding.family == "hopelessness" ? .hopelessness : .distress
        copy.family = family
        return copy
    }

    static let negationInitials: Set<Unicode.Scalar> = ["没", "不", "别", "未", "无", "非"]

    func isNegated(start: Int, end: Int, hits: [[Hit]], text: CanonicalText) -> Bool {
        let clause = text.clauses[start]
        if hits[Int(context.accident)].contains(where: { Int($0.end) <= start && text.clauses[Int($0.start)] == clause }) { return true }
        for cue in hits[Int(context.negation)] where Int(cue.start) < start && text.clauses[Int(cue.start)] == clause {
            // 不想 over the 想 of 想跳楼 negates it as much as a cue right before it.
            guard Int(cue.end) > start || text.gap(afterEnd: Int(cue.end), toStart: start) <= EngineClass.negationWindow else { continue }
            // A cue that ends inside a phrase which itself begins with the negation (从来没 over the
            // 没 of 没被生下来, 不 of 不想活): the phrase already says it, nothing is negated.
            if Int(cue.end) > start, Self.negationInitials.contains(text.scalars[start]) { continue }
            if hits[Int(context.notNegation)].contains(where: { $0.start < cue.end && cue.start < $0.end }) { continue }
            // "I don't know why I want to…": a new first-person subject ends the negation's reach.
            if hits[Int(context.selfWords)].contains(where: { $0.start >= cue.end && Int($0.end) <= start }) { continue }
            if Int(cue.end) > end { continue }
            return true
        }
        return false
    }

    func isFramed(start: Int, end: Int, hits: [[Hit]], text: CanonicalText) -> Bool {
        let sentence = text.sentences[start]
        let selfHits = hits[Int(context.selfWords)]
        for frame in hits[Int(context.frame)] where Int(frame.end) <= start && text.sentences[Int(frame.start)] == sentence {
            if !selfHits.contains(where: { $0.start >= frame.end && Int($0.end) <= start }) { return true }
        }
        // Dreams and daydreams keep their frame with the speaker inside them: 梦到自己从楼上掉下去.
        if hits[Int(context.dream)].contains(where: { Int($0.end) <= start && text.sentences[Int($0.start)] == sentence }) { return true }
        let clause = text.clauses[start]
        for frame in hits[Int(context.frameAfter)] where Int(frame.start) >= end && text.clauses[Int(frame.start)] == clause {
            if text.gap(afterEnd: end, toStart: Int(frame.start)) <= EngineClass.frameAfterWindow { return true }
        }
        return false
    }

    /// "我以前有过轻生的念头，现在已经好多了", "I had suicidal thoughts years ago…I'm doing much better":
    /// a past cue in the finding's clause (before or after it), nothing current between them, and a
    /// recovery statement somewhere in the message. A past attempt without the recovery statement
    /// stays a crisis (it is a risk factor).
    func isPastAndRecovered(start: Int, end: Int, hits: [[Hit]], text: CanonicalText) -> Bool {
        guard !hits[Int(context.recovered)].isEmpty else { return false }
        let clause = text.clauses[start]
        let current = hits[Int(context.immediate)]
        return hits[Int(context.past)].contains { cue in
            guard text.clauses[Int(cue.start)] == clause else { return false }
            let (from, to) = Int(cue.end) <= start ? (Int(cue.end), start) : (end, Int(cue.start))
            return !current.contains { Int($0.start) >= from && Int($0.end) <= to }
        }
    }

    /// Whether a context class has a hit in `text` that no negation cancels: `deescalation` (`谢谢`
    /// after a crisis turn), `affirmation` (`是真的`, `yes`). `hits` are the text's own.
    func mentions(_ contextClass: Int32, in text: CanonicalText, hits: [[Hit]]) -> Bool {
        hits[Int(contextClass)].contains { !isNegated(start: Int($0.start), end: Int($0.end), hits: hits, text: text) }
    }

    /// The nearest person word before `start` in the same clause. Chinese drops subjects, so with
    /// none the speaker is assumed; a person right after a preposition (`被妈妈`, `和我对象`) is an
    /// object, not the subject.
    func subject(before start: Int, hits: [[Hit]], text: CanonicalText) -> Subject {
        let clause = text.clauses[start]
        var best: (end: Int32, subject: Subject)?
        for hit in hits[Int(context.selfWords)] where Int(hit.end) <= start && text.clauses[Int(hit.start)] == clause {
            if best == nil || hit.end > (best?.end ?? 0) { best = (hit.end, .speaker) }
        }
        let prepositions = hits[Int(context.preposition)]
        for hit in hits[Int(context.otherPeople)] where Int(hit.end) <= start && text.clauses[Int(hit.start)] == clause {
            let isObject = prepositions.contains { p in
                p.end <= hit.start && text.clauses[Int(p.start)] == clause && text.gap(afterEnd: Int(p.end), toStart: Int(hit.start)) <= 1
            }
            if isObject { continue }
            // "等她生日过完就去跳楼": a person inside a 等…就 clause is not who acts after 就.
            let subordinate = hits[Int(context.subordinate)].contains { open in
                open.end <= hit.start && text.clauses[Int(open.start)] == clause
                    && hits[Int(context.mainClause)].contains { $0.start >= hit.end && Int($0.end) <= start }
            }
            if subordinate { continue }
            if best == nil || hit.end >= (best?.end ?? 0) { best = (hit.end, .other) }
        }
        return best?.subject ?? .unknown
    }

    private func saysCalm(hits: [[Hit]], text: CanonicalText) -> Bool {
        hits[Int(context.calm)].contains { !isNegated(start: Int($0.start), end: Int($0.end), hits: hits, text: text) }
    }

    /// An immediacy cue in the same sentence or the next one.
    func isImmediate(at start: Int, hits: [[Hit]], text: CanonicalText) -> Bool {
        let sentence = text.sentences[start]
        return hits[Int(context.immediate)].contains { hit in
            let s = text.sentences[Int(hit.start)]
            return s == sentence || s == sentence + 1
        }
    }
}
