import ChatCore
import Foundation
import Testing
@testable import Safety

@Suite struct RiskClassifierTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/safety")

    /// The training script computes its probabilities from the features `heartline safety
    /// features` printed and the pruned weights it wrote; the live detector must agree.
    @Test func swiftComputesTheTrainingScriptsProbabilities() throws {
        let detector = try CrisisDetector.bundled()
        let text = try String(contentsOf: Self.fixtures.appendingPathComponent("risk-classifier-parity.jsonl"), encoding: .utf8)
        struct Sample: Decodable { var text: String; var recent: [String]; var probability: Double }
        let samples = try text.split(separator: "\n").map { try JSONDecoder().decode(Sample.self, from: Data($0.utf8)) }
        #expect(samples.count >= 4)
        for sample in samples {
            let probability = try #require(detector.classifierProbability(sample.text, recent: sample.recent))
            #expect(abs(probability - sample.probability) < 1e-4, "\(sample.text)")
        }
    }

    @Test func featureKeysAreTheKeysOfTheFeatures() {
        let detector = TestLexicon.detector
        for (text, recent) in [("Hi  你好", [String]()), ("我不想活了 bye", ["最近 很累", "WORK sucks"]), ("", []), ("abc", [])] {
            let input = detector.classifierFeatures(text, recent: recent)
            let keys = RiskClassifier.featureKeys(input)
            #expect(Set(keys) == Set(RiskClassifier.features(input).map { RiskClassifier.key($0.unicodeScalars) }))
            #expect(keys.count == Set(keys).count, "each feature counts once")
        }
    }

    @Test func shippedFeaturesHaveDistinctKeys() throws {
        let url = Self.resourceFromSource()
        let features = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").compactMap { line -> Substring? in
            guard !line.hasPrefix("#"), let tab = line.lastIndex(of: "\t") else { return nil }
            return line[..<tab]
        }
        #expect(Set(features.map { RiskClassifier.key($0.unicodeScalars) }).count == Set(features).count)
    }

    static func resourceFromSource() -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/Safety/Resources/risk-classifier.tsv")
    }

    /// The classifier reads canonical text (slang, pinyin, Traditional, emoji read), `?` after a
    /// question, and the rule engine's class activations.
    @Test func featuresAreReadFromCanonicalText() {
        let detector = TestLexicon.detector
        let features = RiskClassifier.features(detector.classifierFeatures("紫砂？😂", recent: []))
        #expect(features.contains(" | "))
        #expect(features.contains("自杀") && !features.contains("紫砂"))
        #expect(features.contains("杀?"), "the question mark survives as a per-sentence flag")
        #expect(features.contains("😂") && features.contains("c:joke"))
        let pinyin = RiskClassifier.features(detector.classifierFeatures("wo zhen de bu xiang huo le", recent: []))
        #expect(pinyin.contains("不想活"))
        let english = RiskClassifier.features(detector.classifierFeatures("Hi  there", recent: []))
        #expect(english.contains("w:hi") && english.contains("w:there"))
    }

    @Test func parsesAndRejectsMalformedWeights() throws {
        let classifier = try RiskClassifier.parse("# comment\nbias\t-1.0\n死\t3.0\n \t0.1\n")
        #expect(classifier.probability(.init(scalars: Array("死".unicodeScalars), activations: []))
            > classifier.probability(.init(scalars: Array("好".unicodeScalars), activations: [])))
        #expect(throws: RiskClassifier.LoadError.self) { try RiskClassifier.parse("bias\tx\n") }
    }

    @Test func raisesTheTierOnlyWhereTheRulesSawNoCrisis() throws {
        let lexicon = try Lexicon.bundled()
        let rules = CrisisDetector(lexicon: lexicon)
        let combined = CrisisDetector(lexicon: lexicon, classifier: try RiskClassifier.bundled())
        // Hard negatives stay clear with the classifier too.
        for text in ["笑死我了哈哈哈", "饿死了，中午吃什么", "这个bug杀死我了", "kill -9 那个进程就好了", "跳楼价清仓，快来买"] {
            #expect(combined.detect(text).tier < .crisis, "\(text)")
        }
        // A crisis the rules already catch keeps its rule reasons.
        #expect(combined.detect("我不想活了").reasons.first != "classifier")
        #expect(rules.detect("我不想活了").tier == .crisis)
    }

    /// The risk check: a message with a classifier probability in the concern band is a concern
    /// carrying a risk concept, and its reply asks the screening question, with no model answer
    /// framed around it. The thresholds are moved so that the band is certain, whatever the weights.
    @Test func theConcernBandIsARiskCheckThatAsksTheScreeningQuestion() throws {
        var detector = CrisisDetector(lexicon: try Lexicon.bundled(), classifier: try RiskClassifier.bundled())
        detector.classifierCrisisThreshold = 1.01
        detector.classifierConcernThreshold = 0
        let text = "今天加班到很晚，回家路上一直在发呆"
        let detection = detector.detect(text)
        #expect(detection.tier == .concern)
        #expect(detection.reasons.contains("classifier"))
        #expect(!detection.concepts.isDisjoint(with: SafetyResponder.selfConcepts))
        let reply = SafetyResponder().concern(detection.concepts, language: .zh)
        #expect(reply.question == .screening)
        #expect(reply.lead == nil, "a risk check never frames a model answer")
        // Hopelessness alone may still frame a confident on-topic answer.
        #expect(SafetyResponder().concern([.hopelessness], language: .zh).lead != nil)
        // Above the band's top nothing changes: the rules' verdict stands.
        detector.classifierConcernThreshold = 1.01
        #expect(detector.detect(text).tier == .none)
        // Hyperbole the rules lowered is never turned into a risk check.
        detector.classifierConcernThreshold = 0
        let joke = detector.detect("不活了不活了😂 又胖了两斤")
        #expect(joke.tier < .crisis)
        #expect(joke.concepts.isDisjoint(with: SafetyResponder.selfConcepts))
    }

    @Test func blindHoldoutDoesNotRegress() throws {
        let items = try EvalDataset.load(path: Self.fixtures.appendingPathComponent("blind-holdout.jsonl").path)
        let detector = try CrisisDetector.bundled()
        var tp = 0, fp = 0, fn = 0
        for item in items {
            let crisis = detector.detect(item.text, recent: item.recent).tier == .crisis
            switch (item.expected == .crisis, crisis) {
            case (true, true): tp += 1
            case (false, true): fp += 1
            case (true, false): fn += 1
            default: break
            }
        }
        let recall = Double(tp) / Double(tp + fn), precision = Double(tp) / Double(tp + fp)
        #expect(recall >= 0.77, "recall \(recall)")
        #expect(precision >= 0.90, "precision \(precision)")
    }
}
