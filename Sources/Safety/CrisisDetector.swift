import Foundation
import ChatCore

/// What the detector concluded about a message.
public struct Detection: Sendable, Equatable {
    public var tier: SafetyTier
    /// Why, as rule families (`intent`, `method`, `third_party`, `escalation.sustained`…). Never text.
    public var reasons: [String]
    /// Input-policy verdicts found alongside (`abuse`, `spam`).
    public var policy: [String]
    /// The risk concepts seen (what the safety responder composes its reply from).
    public var concepts: Set<RiskConcept>

    public init(tier: SafetyTier, reasons: [String] = [], policy: [String] = [], concepts: Set<RiskConcept> = []) {
        self.tier = tier
        self.reasons = reasons
        self.policy = policy
        self.concepts = concepts
    }

    public static let none = Detection(tier: .none)

    /// Every crisis or concern verdict names at least one concept (the responder answers it).
    func withConcepts() -> Detection {
        guard concepts.isEmpty, tier > .none else { return self }
        var copy = self
        copy.concepts = tier == .crisis ? [.suicidalThought] : [.distress]
        return copy
    }
}

/// Anything that can judge a message's risk. The live one is `CrisisDetector`; tests inject
/// failing ones to check that the safety layer fails safe.
public protocol CrisisDetecting: Sendable {
    /// Judges `text`, reading `recent` (earlier questions of the session, oldest first) for risk
    /// that builds across turns.
    func detect(_ text: String, recent: [String]) throws -> Detection
}

/// The rule-based crisis detector: canonicalise, match the input rules, read context, then look
/// at the session's last turns for risk that builds up.
public struct CrisisDetector: CrisisDetecting {
    let engine: RuleEngine
    /// How many earlier questions are read with the current one.
    public var contextTurns: Int

    /// The statistical second opinion; nil: rules only.
    let classifier: RiskClassifier?
    /// Classifier probability at or above which a message the rules did not flag is a crisis:
    /// chosen with the classifier trained without one retired sealed set and scored on it (v9 left
    /// out: recall 0.90, hard negatives 2.7 %; v8: 0.90, 0.9 %), keeping PsySUICIDE valid.json's
    /// false crises under 3 % (`tools/train_risk_classifier.py --holdout`, docs/safety.md).
    public var classifierCrisisThreshold = 0.9
    /// Probability at or above which a message is at least a concern and its reply asks the
    /// screening question (the risk check); a message lowered as exaggeration only becomes a concern.
    public var classifierConcernThreshold = 0.5

    public init(lexicon: Lexicon, classifier: RiskClassifier? = nil, contextTurns: Int = 3) {
        let canonicalizer = Canonicalizer(variants: lexicon.variants, pinyin: lexicon.pinyin)
        self.engine = RuleEngine(lexicon: lexicon, ruleSet: "input", canonicalizer: canonicalizer)
        self.classifier = classifier
        self.contextTurns = contextTurns
    }

    /// The detector over the lexicon and classifier shipped with the binary.
    /// Built once per process: the detector is immutable and compiling its rules is not free.
    public static func bundled() throws(LexiconError) -> CrisisDetector {
        try shipped.get()
    }

    private static let shipped: Result<CrisisDetector, LexiconError> = {
        do throws(LexiconError) {
            return .success(CrisisDetector(lexicon: try Lexicon.bundled(), classifier: try? RiskClassifier.bundled()))
        } catch {
            return .failure(error)
        }
    }()

    public var ruleCount: Int { engine.ruleCount }
    public var termCount: Int { engine.termCount }

    /// Messages that only ask whether someone is there.
    static let checkIns: Set<String> = [
        "在吗", "你在吗", "你还在吗", "还在吗", "在不在", "你在不在", "有人吗", "有人在吗", "还有人吗", "hello", "hi", "你好",
        "areyouthere", "areyoustillthere", "youthere", "stillthere", "anyonethere", "isanyonethere",
    ]

    static func isCheckIn(_ text: String) -> Bool {
        guard text.count <= 24 else { return false }
        let letters = String(String.UnicodeScalarView(text.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic }))
        return checkIns.contains(letters)
    }

    /// One message on its own.
    public func detect(_ text: String) -> Detection {
        detect(text, recent: [])
    }

    /// The rules first; where they see no crisis, the classifier may raise the tier. A message
    /// the rules lowered as exaggeration (不活了不活了😂) is not raised to a crisis again.
    public func detect(_ text: String, recent: [String]) -> Detection {
        let current = engine.canonicalizer.canonicalize(text)
        let hits = engine.collectHits(current)
        let findings = engine.evaluate(current, hits: hits)
        var detection = rulesDetect(current, hits: hits, findings: findings, recent: recent)
        guard let classifier, detection.tier < .crisis else { return detection.withConcepts() }
        // "你还在吗" after "我不想活了" asks whether anyone is there; the classifier, reading the turn
        // before, would send the whole crisis reply again. Acute risk in the turns before is still
        // carried by the rules (an attempt, a plan), which ran above.
        if findings.isEmpty, !recent.isEmpty, Self.isCheckIn(text) { return detection.withConcepts() }
        let input = classifierInput(current, hits: hits, findings: findings, recent: recent)
        let probability = classifier.probability(input)
        let lowered = detection.reasons.contains("exaggeration")
        if probability >= classifierCrisisThreshold, !lowered {
            detection.tier = .crisis
            detection.reasons = ["classifier"] + detection.reasons
            detection.concepts = Self.concepts(guessedFrom: hits, engine: engine)
        } else if probability >= classifierConcernThreshold, !lowered {
            // The risk check: the classifier leans towards risk but not far enough for the crisis
            // reply. The message is at least a concern, and it carries the concept the classifier
            // guesses, so the concern reply asks the screening question (「……你有过这样的想法
            // 吗？」) instead of a question about coping: asking directly does not put the idea
            // there, and a "yes" escalates to the crisis reply (docs/safety.md, "risk check").
            if detection.tier == .none {
                detection.tier = .concern
                detection.reasons = ["classifier"]
            } else {
                detection.reasons.append("classifier")
            }
            detection.concepts.formUnion(Self.concepts(guessedFrom: hits, engine: engine))
        } else if probability >= classifierConcernThreshold, detection.tier == .none {
            detection.tier = .concern
            detection.reasons = ["classifier"]
        }
        return detection.withConcepts()
    }

    /// What the rule engine alone decides (with the session's last turns).
    public func rulesDetect(_ text: String, recent: [String]) -> Detection {
        let current = engine.canonicalizer.canonicalize(text)
        let hits = engine.collectHits(current)
        return rulesDetect(current, hits: hits, findings: engine.evaluate(current, hits: hits), recent: recent).withConcepts()
    }

    func rulesDetect(_ current: CanonicalText, hits: [[RuleEngine.Hit]], findings: [RuleEngine.Finding], recent: [String]) -> Detection {
        var detection = Self.summarise(findings)
        if detection.tier == .crisis, let exaggeration = engine.exaggeration(of: findings, in: current, hits: hits) {
            // Hyperbole is not a crisis; a plot is at most a concern. Other concerns stay, but not
            // the concern shadow of a lowered wish (the `ideation` twin of `intent` on 不活了).
            let lowered = findings.filter { $0.label == "crisis" }
            let rest = Self.summarise(findings.filter { finding in
                finding.label != "crisis" && !lowered.contains { $0.start < finding.end && finding.start < $0.end }
            })
            detection = rest
            if exaggeration == .fiction || exaggeration == .anger || rest.tier == .concern {
                detection.tier = .concern
                if detection.concepts.isEmpty { detection.concepts = [.distress] }
            }
            detection.reasons = ["exaggeration"] + rest.reasons
        }
        let turns = recent.suffix(contextTurns)
        guard detection.tier < .crisis, !turns.isEmpty else { return detection }

        // Read the last turns and this message together: a plan split over messages
        // ("家里有一瓶安眠药" … "今晚全吃了") only shows when they are read as one.
        let earlier = turns.map { engine.canonicalizer.canonicalize($0) }
        var joined = CanonicalText()
        for turn in earlier { joined.append(turn) }
        let offset = joined.count
        joined.append(current)
        let findingsTogether = engine.evaluate(joined).filter { $0.label == "crisis" }
        let completed = findingsTogether.filter { $0.end > offset }
        if !completed.isEmpty, !detection.reasons.contains("exaggeration") {
            detection.tier = .crisis
            detection.reasons = ["escalation.context"] + Self.unique(completed.map(\.family))
            detection.concepts = Set(completed.compactMap(\.concept))
            return detection
        }
        // A plan, the means, an attempt or a threat stated in the last turns is still there when
        // the next message changes the subject ("I have a blade in my room" … "gonna go lie down"),
        // unless this message steps back from it (thanks, feeling better, reaching out). A wish to
        // die that was already answered is not repeated: crisis mode adds the resource line.
        let live = findingsTogether.filter { $0.end <= offset && $0.family != "intent" && $0.concept != .passiveWish && $0.concept != .burdensomeness }
        if !live.isEmpty, !engine.mentions(engine.context.deescalation, in: current, hits: hits) {
            detection.tier = .crisis
            detection.reasons = ["escalation.carried"] + Self.unique(live.map(\.family))
            detection.concepts = Set(live.compactMap(\.concept))
            return detection
        }

        // Standing by a crisis of the turns before ("有时候觉得生病死掉也挺好" … "对，我是真的这么想"):
        // the same crisis, now confirmed. Only a turn that was a crisis by itself counts, so a
        // yes after a joke (周一不想活了😂 … 真的) stays what it is.
        if engine.mentions(engine.context.affirmation, in: current, hits: hits), !engine.mentions(engine.context.deescalation, in: current, hits: hits),
           let confirmed = earlier.lazy.compactMap({ self.crisisConcepts(of: $0) }).first {
            detection.tier = .crisis
            detection.reasons = ["escalation.affirmed"] + detection.reasons
            detection.concepts.formUnion(confirmed)
            return detection
        }

        // Sustained distress: this message and at least two of the last turns show concern.
        guard detection.tier == .concern, Self.counts(detection) else { return detection }
        let concerned = earlier.filter { turn in
            let earlierDetection = Self.summarise(engine.evaluate(turn))
            return earlierDetection.tier >= .concern && Self.counts(earlierDetection)
        }.count
        if concerned >= 2 {
            detection.tier = .crisis
            detection.reasons = ["escalation.sustained"] + detection.reasons
            detection.concepts.insert(.hopelessness)
        }
        return detection
    }

    /// The concepts of `turn` when the rules read it as a crisis on its own (not lowered as
    /// exaggeration), else nil.
    private func crisisConcepts(of turn: CanonicalText) -> Set<RiskConcept>? {
        let hits = engine.collectHits(turn)
        let findings = engine.evaluate(turn, hits: hits)
        let crises = findings.filter { $0.label == "crisis" }
        guard !crises.isEmpty, engine.exaggeration(of: findings, in: turn, hits: hits) == nil else { return nil }
        return Set(crises.compactMap(\.concept))
    }

    /// What the classifier reads for `current` (see `RiskClassifier.Input`). Crisis findings are
    /// left out: the classifier only speaks where the rules saw no crisis, so it learns the
    /// wording and the concepts' words, not the rules' verdict.
    func classifierInput(
        _ current: CanonicalText, hits: [[RuleEngine.Hit]], findings: [RuleEngine.Finding], recent: [String]
    ) -> RiskClassifier.Input {
        var scalars: [Unicode.Scalar] = []
        let turns = recent.suffix(contextTurns).map { Self.readable(engine.canonicalizer.canonicalize($0)) }
        if !turns.isEmpty {
            scalars += turns.joined(separator: [" "]).suffix(60)
        }
        scalars += [" ", "|", " "]
        scalars += Self.readable(current)
        var activations: [String] = []
        for (id, classHits) in hits.enumerated() where !classHits.isEmpty {
            let name = engine.classNames[id]
            if !name.hasPrefix("=") { activations.append("c:" + name) }
        }
        for finding in findings where finding.label != "crisis" {
            activations.append("r:\(finding.label):\(finding.concept?.rawValue ?? finding.family)")
        }
        return RiskClassifier.Input(scalars: scalars, activations: activations)
    }

    /// What the classifier reads for a message, for tests and `heartline safety features`.
    public func classifierFeatures(_ text: String, recent: [String]) -> RiskClassifier.Input {
        let current = engine.canonicalizer.canonicalize(text)
        let hits = engine.collectHits(current)
        return classifierInput(current, hits: hits, findings: engine.evaluate(current, hits: hits), recent: recent)
    }

    /// The classifier's probability for a message (nil without a classifier).
    public func classifierProbability(_ text: String, recent: [String]) -> Double? {
        classifier.map { $0.probability(classifierFeatures(text, recent: recent)) }
    }

    /// Canonical scalars with sentences kept apart by a space, and `?` after a question.
    static func readable(_ text: CanonicalText) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(text.count + 4)
        for i in 0..<text.count {
            if i > 0, text.sentences[i] != text.sentences[i - 1] {
                out.append(text.questions.contains(text.sentences[i - 1]) ? "?" : " ")
            }
            out.append(text.scalars[i])
        }
        if let last = text.sentences.last, text.questions.contains(last) { out.append("?") }
        return out
    }

    /// A crisis the classifier found: the concepts whose words the message holds, or a suicidal
    /// thought when none of them is there (the reply then asks directly).
    static func concepts(guessedFrom hits: [[RuleEngine.Hit]], engine: RuleEngine) -> Set<RiskConcept> {
        var found = Set<RiskConcept>()
        for (id, classHits) in hits.enumerated() where !classHits.isEmpty {
            if let concept = classConcepts[engine.classNames[id]] { found.insert(concept) }
        }
        return found.isEmpty ? [.suicidalThought] : found
    }

    /// Lexicon classes that name a concept on their own.
    static let classConcepts: [String: RiskConcept] = [
        "passive_wish": .passiveWish, "passive_event": .passiveWish, "burden_word": .burdensomeness,
        "better_off": .burdensomeness, "unnoticed": .thwartedBelonging, "method_attribute": .methodQuestion,
        "self_harm": .selfHarm, "conceal": .means, "farewell_act": .preparation, "stop_treatment": .treatmentRefusal,
        "die_wish": .suicidalThought, "suicide": .suicidalThought,
    ]

    /// Every finding with the rule that produced it, for `heartline safety check --explain`.
    public func explain(_ text: String) -> [(label: String, family: String, rule: String, span: String)] {
        let canonical = engine.canonicalizer.canonicalize(text)
        return engine.evaluate(canonical).map { finding in
            let span = String(String.UnicodeScalarView(canonical.scalars[finding.start..<finding.end]))
            return (finding.label, finding.family, finding.rule, span)
        }
    }

    /// The canonical form the rules see, for rule authors.
    public func canonicalForm(_ text: String) -> String {
        String(String.UnicodeScalarView(engine.canonicalizer.canonicalize(text).scalars))
    }

    /// Topic questions and other people's troubles do not build toward a crisis of the speaker.
    /// Whether a detection builds up toward sustained distress: topic questions, other people's
    /// troubles and everyday distress (stress, anxiety, feeling low, which the everyday concern
    /// rules flag for a caring reply) do not; hopelessness and thoughts of not being here do.
    private static func counts(_ detection: Detection) -> Bool {
        detection.reasons.contains { !nonCumulative.contains($0) }
    }

    private static let nonCumulative: Set<String> = ["topic", "third_party", "everyday_distress"]

    static func summarise(_ findings: [RuleEngine.Finding]) -> Detection {
        var tier = SafetyTier.none
        var crisis: [String] = []
        var concern: [String] = []
        var policy: [String] = []
        var crisisConcepts = Set<RiskConcept>()
        var concernConcepts = Set<RiskConcept>()
        for finding in findings {
            switch finding.label {
            case "crisis":
                tier = .crisis
                crisis.append(finding.family)
                if let concept = finding.concept { crisisConcepts.insert(concept) }
            case "concern":
                tier = max(tier, .concern)
                concern.append(finding.family)
                if let concept = finding.concept { concernConcepts.insert(concept) }
            default:
                policy.append(finding.label)
            }
        }
        let reasons = tier == .crisis ? crisis : tier == .concern ? concern : []
        let concepts = tier == .crisis ? crisisConcepts : tier == .concern ? concernConcepts : []
        return Detection(tier: tier, reasons: unique(reasons), policy: unique(policy), concepts: concepts)
    }

    static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}
