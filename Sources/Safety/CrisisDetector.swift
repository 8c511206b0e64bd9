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
    /// Classifier probability at or above which a message the rules did not flag is a crisis
    /// (0.95 precision of the classifier alone in 5-fold cross-validation on its training sets).
    public var classifierCrisisThreshold = 0.8
    /// Probability at or above which a message the rules found clear is a concern (the model
    /// answers, with a resource line).
    public var classifierConcernThreshold = 0.5

    public init(lexicon: Lexicon, classifier: RiskClassifier? = nil, contextTurns: Int = 3) {
        let canonicalizer = Canonicalizer(variants: lexicon.variants)
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

    /// One message on its own.
    public func detect(_ text: String) -> Detection {
        detect(text, recent: [])
    }

    /// The rules first; where they see no crisis, the classifier may raise the tier.
    public func detect(_ text: String, recent: [String]) -> Detection {
        var detection = rulesDetect(text, recent: recent)
        guard let classifier, detection.tier < .crisis else { return detection }
        let probability = classifier.probability(text, recent: Array(recent.suffix(contextTurns)))
        if probability >= classifierCrisisThreshold {
            detection.tier = .crisis
            detection.reasons = ["classifier"] + detection.reasons
        } else if probability >= classifierConcernThreshold, detection.tier == .none {
            detection.tier = .concern
            detection.reasons = ["classifier"]
        }
        return detection
    }

    /// What the rule engine alone decides (with the session's last turns).
    public func rulesDetect(_ text: String, recent: [String]) -> Detection {
        let current = engine.canonicalizer.canonicalize(text)
        var detection = Self.summarise(engine.evaluate(current))
        let turns = recent.suffix(contextTurns)
        guard detection.tier < .crisis, !turns.isEmpty else { return detection }

        // Read the last turns and this message together: a plan split over messages
        // ("家里有一瓶安眠药" … "今晚全吃了") only shows when they are read as one.
        let earlier = turns.map { engine.canonicalizer.canonicalize($0) }
        var joined = CanonicalText()
        for turn in earlier { joined.append(turn) }
        let offset = joined.count
        joined.append(current)
        let findings = engine.evaluate(joined).filter { $0.label == "crisis" }
        let completed = findings.filter { $0.end > offset }
        if !completed.isEmpty {
            detection.tier = .crisis
            detection.reasons = ["escalation.context"] + Self.unique(completed.map(\.family))
            return detection
        }
        // A plan, the means, an attempt or a threat stated in the last turns is still there when
        // the next message changes the subject ("I have a blade in my room" … "gonna go lie down"),
        // unless this message steps back from it (thanks, feeling better, reaching out). A wish to
        // die that was already answered is not repeated: crisis mode adds the resource line.
        let live = findings.filter { $0.family != "intent" }
        if !live.isEmpty, !engine.mentions(deescalationIn: current) {
            detection.tier = .crisis
            detection.reasons = ["escalation.carried"] + Self.unique(live.map(\.family))
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
        }
        return detection
    }

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
    private static func counts(_ detection: Detection) -> Bool {
        detection.reasons.contains { $0 != "topic" && $0 != "third_party" }
    }

    static func summarise(_ findings: [RuleEngine.Finding]) -> Detection {
        var tier = SafetyTier.none
        var crisis: [String] = []
        var concern: [String] = []
        var policy: [String] = []
        for finding in findings {
            switch finding.label {
            case "crisis":
                tier = .crisis
                crisis.append(finding.family)
            case "concern":
                tier = max(tier, .concern)
                concern.append(finding.family)
            default:
                policy.append(finding.label)
            }
        }
        let reasons = tier == .crisis ? crisis : tier == .concern ? concern : []
        return Detection(tier: tier, reasons: unique(reasons), policy: unique(policy))
    }

    static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}
