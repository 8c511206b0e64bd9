import ChatCore

/// Evaluates one rule set (`input.rules`, `output.rules`) over canonical text: finds every term in
/// one pass, drops hits inside hard negatives, matches the rules, then reads the context of each
/// match — negation, reported speech and topic frames, who the subject is, immediacy — to settle
/// what it means.
struct RuleEngine: Sendable {
    /// A rule that matched, after its context was read.
    struct Finding: Sendable, Equatable {
        /// `crisis`, `concern`, `abuse`, `spam`, `replace`… as the rule file says, or as softened
        /// by context (a reported crisis becomes `concern`).
        var label: String
        /// Why: the rule's family, or `topic` / `third_party` when context changed it.
        var family: String
        var start: Int
        var end: Int
        /// `file:line` of the rule, for rule authors (`heartline safety check --explain`).
        var rule: String
        /// The risk concept the rule's family names (before context softened it); nil for policy rules.
        var concept: RiskConcept?
    }

    struct Hit {
        var start: Int32
        var end: Int32
    }

    struct CompiledRule {
        var label: String
        var family: String
        var parts: [Int32]
        var links: [Lexicon.Rule.Link]
        var flags: Lexicon.Rule.Flags
        var source: String
        var isRisk: Bool
    }

    struct Context {
        var hardNegative, topic, negation, notNegation, frame, frameAfter, selfWords, otherPeople, preposition, immediate, number, many: Int32
        var past, recovered, deescalation, accident, dream, calm, subordinate, mainClause: Int32
        var question, joke, serious, degree, fiction, grievance, resolve, affirmation: Int32
    }

    let canonicalizer: Canonicalizer
    private let matcher: PhraseMatcher
    private let phraseClasses: [[Int32]]
    private let phraseIsPrefix: [Bool]
    private let classCount: Int
    /// Class names by id, for the classifier's activations (`c:<class>`).
    let classNames: [String]
    let context: Context
    private let rules: [CompiledRule]

    init(lexicon: Lexicon, ruleSet: String, canonicalizer: Canonicalizer) {
        self.canonicalizer = canonicalizer
        var classIDs: [String: Int32] = [:]
        func id(_ name: String) -> Int32 {
            if let existing = classIDs[name] { return existing }
            let next = Int32(classIDs.count)
            classIDs[name] = next
            return next
        }
        var phraseIndex: [[Unicode.Scalar]: Int] = [:]
        var phrases: [[Unicode.Scalar]] = []
        var phraseClasses: [[Int32]] = []
        var phraseIsPrefix: [Bool] = []
        func add(_ term: Lexicon.Term, to cls: Int32) {
            let scalars = canonicalizer.canonicalize(term.text).scalars
            guard !scalars.isEmpty else { return }
            let key = term.prefix ? scalars + ["*"] : scalars
            if let existing = phraseIndex[key] {
                if !phraseClasses[existing].contains(cls) { phraseClasses[existing].append(cls) }
                return
            }
            phraseIndex[key] = phrases.count
            phrases.append(scalars)
            phraseClasses.append([cls])
            phraseIsPrefix.append(term.prefix)
        }

        for name in EngineClass.context + [EngineClass.number, EngineClass.many] { _ = id(name) }
        for (name, terms) in lexicon.classes.sorted(by: { $0.key < $1.key }) {
            let cls = id(name)
            for term in terms { add(term, to: cls) }
        }
        var compiled: [CompiledRule] = []
        for rule in lexicon.rules[ruleSet] ?? [] {
            let parts = rule.parts.map { part -> Int32 in
                switch part {
                case .termClass(let name):
                    return id(name)
                case .literal(let text):
                    let cls = id("=" + text)
                    add(.init(text: text, prefix: false), to: cls)
                    return cls
                }
            }
            compiled.append(CompiledRule(
                label: rule.label, family: rule.family, parts: parts, links: rule.links, flags: rule.flags,
                source: "\(rule.file):\(rule.line)", isRisk: rule.label == "crisis" || rule.label == "concern"
            ))
        }
        self.matcher = PhraseMatcher(phrases: phrases)
        self.phraseClasses = phraseClasses
        self.phraseIsPrefix = phraseIsPrefix
        self.classCount = classIDs.count
        var names = [String](repeating: "", count: classIDs.count)
        for (name, id) in classIDs { names[Int(id)] = name }
        self.classNames = names
        self.rules = compiled
        self.context = Context(
            hardNegative: id(EngineClass.hardNegative), topic: id(EngineClass.topic), negation: id(EngineClass.negation),
            notNegation: id(EngineClass.notNegation), frame: id(EngineClass.frame), frameAfter: id(EngineClass.frameAfter),
            selfWords: id(EngineClass.selfWords), otherPeople: id(EngineClass.otherPeople), preposition: id(EngineClass.preposition),
            immediate: id(EngineClass.immediate), number: id(EngineClass.number), many: id(EngineClass.many),
            past: id(EngineClass.past), recovered: id(EngineClass.recovered), deescalation: id(EngineClass.deescalation),
            accident: id(EngineClass.accident), dream: id(EngineClass.dream), calm: id(EngineClass.calm),
            subordinate: id(EngineClass.subordinate), mainClause: id(EngineClass.mainClause),
            question: id(EngineClass.question), joke: id(EngineClass.joke), serious: id(EngineClass.serious),
            degree: id(EngineClass.degree), fiction: id(EngineClass.fiction), grievance: id(EngineClass.grievance),
            resolve: id(EngineClass.resolve), affirmation: id(EngineClass.affirmation)
        )
    }

    var ruleCount: Int { rules.count }
    var termCount: Int { matcher.phraseCount }

    // MARK: Matching

    /// Every finding in `text`, strongest context applied. `from` limits findings to those ending
    /// after that scalar offset (the current message when reading a session's turns together).
    func evaluate(_ text: CanonicalText, endingAfter from: Int = 0) -> [Finding] {
        evaluate(text, hits: collectHits(text), endingAfter: from)
    }

    /// The same, over hits already collected (the detector reuses them for the classifier).
    func evaluate(_ text: CanonicalText, hits: [[Hit]], endingAfter from: Int = 0) -> [Finding] {
        var negated: [(start: Int, end: Int)] = []
        var candidates: [(rule: Int, finding: Finding)] = []
        for (index, rule) in rules.enumerated() {
            let firsts = hits[Int(rule.parts[0])]
            guard !firsts.isEmpty else { continue }
            for first in firsts {
                guard let end = extend(rule, from: first, hits: hits, text: text) else { continue }
                let start = Int(first.start)
                if rule.flags.contains(.question), !isQuestion(sentence: text.sentences[start], hits: hits, text: text) { continue }
                if let finding = settle(rule, start: start, end: end, hits: hits, text: text) {
                    if end > from { candidates.append((index, finding)) }
                } else {
                    negated.append((start, end))
                }
            }
        }
        // What a negated phrase contains is negated too: in "没有想过自杀" the bare 自杀 is.
        // One finding per rule, except that a crisis found again further on by the same rule is
        // kept as well: in 累到想死，真的不想活了 the second wish is not lowered with the first.
        var best: [Int: Finding] = [:]
        var order: [Int] = []
        var again: [Finding] = []
        for (rule, finding) in candidates {
            if negated.contains(where: { $0.start <= finding.start && finding.end <= $0.end }) { continue }
            if let current = best[rule] {
                if rank(finding.label) > rank(current.label) {
                    best[rule] = finding
                } else if finding.label == "crisis", current.label == "crisis", finding.start >= current.end,
                          !again.contains(where: { $0.rule == finding.rule && finding.start < $0.end }) {
                    again.append(finding)
                }
            } else {
                best[rule] = finding
                order.append(rule)
            }
        }
        return order.compactMap { best[$0] } + again
    }

    private func rank(_ label: String) -> Int {
        switch label {
        case "crisis": 2
        case "concern": 1
        default: 3
        }
    }

    /// Hits by class. Hits overlapping a hard negative are dropped.
    func collectHits(_ text: CanonicalText) -> [[Hit]] {
        var hits = [[Hit]](repeating: [], count: classCount)
        let scalars = text.scalars
        matcher.forEachMatch(in: scalars) { match in
            if CanonicalText.isWord(scalars[match.start]), match.start > 0, CanonicalText.isWord(scalars[match.start - 1]) { return }
            if !phraseIsPrefix[match.phrase], CanonicalText.isWord(scalars[match.end - 1]), match.end < scalars.count,
               CanonicalText.isWord(scalars[match.end]) { return }
            for cls in phraseClasses[match.phrase] {
                hits[Int(cls)].append(Hit(start: Int32(match.start), end: Int32(match.end)))
            }
        }
        var numbers: [Hit] = []
        var many: [Hit] = []
        addNumbers(scalars, into: &numbers, many: &many)
        hits[Int(context.number)] = numbers
        hits[Int(context.many)] = many
        let negatives = hits[Int(context.hardNegative)]
        if !negatives.isEmpty {
            // A hit inside or across a hard negative goes (饿死了 drops 死); a hit that covers the
            // whole hard negative stays (计划 as a plan word survives the 计划 that protects 划).
            for cls in 0..<classCount where cls != Int(context.hardNegative) && !hits[cls].isEmpty {
                hits[cls].removeAll { hit in
                    negatives.contains { $0.start < hit.end && hit.start < $0.end && !(hit.start <= $0.start && $0.end <= hit.end) }
                }
            }
        }
        return hits
    }

    private func addNumbers(_ scalars: [Unicode.Scalar], into hits: inout [Hit], many: inout [Hit]) {
        var i = 0
        while i < scalars.count {
            guard Self.isNumeral(scalars[i]) else { i += 1; continue }
            var j = i
            while j < scalars.count, Self.isNumeral(scalars[j]) { j += 1 }
            let hit = Hit(start: Int32(i), end: Int32(j))
            hits.append(hit)
            if Self.isMany(scalars[i..<j]) { many.append(hit) }
            i = j
        }
    }

    /// Ten or more: `30`, `四十`, `几十`, `上百` (a count of pills no one takes as a dose).
    private static func isMany(_ digits: ArraySlice<Unicode.Scalar>) -> Bool {
        if digits.contains(where: { $0 == "十" || $0 == "百" || $0 == "千" }) { return true }
        let arabic = digits.filter { ("0"..."9").contains($0) }
        return arabic.count == digits.count && (arabic.count >= 3 || (arabic.count == 2 && arabic.first != "0"))
    }

    /// A switch rather than a search of a string's scalars: this runs on every scalar of every
    /// message, and the search was a few per cent of the detector's time.
    private static func isNumeral(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "0"..."9", "一", "二", "两", "三", "四", "五", "六", "七", "八", "九", "十", "百", "千", "几", "半": true
        default: false
        }
    }

    /// Matches the rest of a rule after its first element; returns the end of the matched span.
    private func extend(_ rule: CompiledRule, from first: Hit, hits: [[Hit]], text: CanonicalText) -> Int? {
        match(rule, part: 1, used: [first], previousEnd: Int(first.end), clause: text.clauses[Int(first.start)], end: Int(first.end), hits: hits, text: text)
    }

    /// Element `part` onwards. `~N` elements follow `previousEnd` in `clause`; an `&` element may be
    /// anywhere, and the `~N` elements after it follow it. Tries each candidate in turn, so a later
    /// element that only fits after a later candidate is still found.
    private func match(
        _ rule: CompiledRule, part: Int, used: [Hit], previousEnd: Int, clause: Int32, end: Int, hits: [[Hit]], text: CanonicalText
    ) -> Int? {
        guard part < rule.parts.count else { return end }
        let candidates = hits[Int(rule.parts[part])]
        switch rule.links[part] {
        case .absent(let anywhere):
            let sentence = text.sentences[Int(used[0].start)]
            let present = anywhere ? !candidates.isEmpty : candidates.contains { text.sentences[Int($0.start)] == sentence }
            return present ? nil : match(rule, part: part + 1, used: used, previousEnd: previousEnd, clause: clause, end: end, hits: hits, text: text)
        case .anywhere:
            // Latest first, so a session's findings reach into the current message when they can.
            for hit in candidates.reversed() {
                // "我不会把药全吃了": a negated element does not count, wherever it is.
                if isNegated(start: Int(hit.start), end: Int(hit.end), hits: hits, text: text) { continue }
                // `@give_away & @give_away` means two acts: not one already matched again.
                if used.contains(where: { hit.start < $0.end && $0.start < hit.end }) { continue }
                let hitEnd = Int(hit.end)
                if let matched = match(rule, part: part + 1, used: used + [hit], previousEnd: hitEnd, clause: text.clauses[Int(hit.start)], end: max(end, hitEnd), hits: hits, text: text) {
                    return matched
                }
            }
            return nil
        case .after(let gap):
            for hit in candidates where Int(hit.start) >= previousEnd && text.clauses[Int(hit.start)] == clause {
                guard text.gap(afterEnd: previousEnd, toStart: Int(hit.start)) <= gap else { continue }
                let hitEnd = Int(hit.end)
                if let matched = match(rule, part: part + 1, used: used + [hit], previousEnd: hitEnd, clause: clause, end: max(end, hitEnd), hits: hits, text: text) {
                    return matched
                }
            }
            return nil
        }
    }
}
