import ChatCore
import Foundation
import Testing
@testable import Safety

/// Fails when the detector regresses below the targets recorded in docs/safety.md.
@Suite struct DevsetTests {
    let devset = Repo.root.appendingPathComponent("Tests/Fixtures/safety/devset.jsonl").path

    @Test func devsetIsLargeEnoughAndBalanced() throws {
        let items = try EvalDataset.load(path: devset)
        #expect(items.count >= 300)
        #expect(items.filter { $0.kinds.contains("hard_negative") }.count >= 120)
        #expect(items.contains { $0.text.unicodeScalars.contains { TextNormalizer.isCJK($0) } })
        #expect(items.filter { !$0.text.unicodeScalars.contains { TextNormalizer.isCJK($0) } }.count >= 50)
    }

    @Test func devsetTargets() throws {
        let report = EvalReport(items: try EvalDataset.load(path: devset), detector: TestLexicon.detector)
        #expect(report.recall >= 0.97, "crisis recall \(report.recall)")
        #expect(report.precision >= 0.92, "crisis precision \(report.precision)")
    }

    /// The blind development set, written by someone who had not seen the detector (issue 3,
    /// docs/safety.md "Results"). Tuned on since; the matching holdout is scored by the lead.
    @Test func blindDevTargets() throws {
        let path = Repo.root.appendingPathComponent("Tests/Fixtures/safety/blind-dev.jsonl").path
        let report = EvalReport(items: try EvalDataset.load(path: path), detector: TestLexicon.detector)
        #expect(report.recall >= 0.90, "crisis recall \(report.recall)")
        #expect(report.precision >= 0.90, "crisis precision \(report.precision)")
        let hardNegatives = try #require(report.perKind.first { $0.kind == "hard_negative" })
        #expect(Double(hardNegatives.right) / Double(hardNegatives.total) >= 0.95, "hard negatives \(hardNegatives.right)/\(hardNegatives.total)")
    }

    /// The project's probe rounds: every pattern family in new wordings, with look-alikes that the
    /// broader patterns must not flag. A regression guard for the families, not a measure of
    /// generalisation (each round was tuned on after it was scored).
    @Test func probeTargets() throws {
        let path = Repo.root.appendingPathComponent("Tests/Fixtures/safety/probes.jsonl").path
        let items = try EvalDataset.load(path: path)
        #expect(items.count >= 1000)
        let report = EvalReport(items: items, detector: TestLexicon.detector)
        #expect(report.recall >= 0.97, "crisis recall \(report.recall)")
        #expect(report.precision >= 0.97, "crisis precision \(report.precision)")
    }

    /// The retired sealed set v1: scored once (docs/safety.md), then studied and tuned on, so a
    /// regression guard for the everyday-wording families, not a measure of generalisation.
    @Test func retiredSealedV1Targets() throws {
        let path = Repo.root.appendingPathComponent("Tests/Fixtures/safety/retired-sealed-v1.jsonl").path
        // The shipped detector (rules and classifier): rules alone catch 0.83 of it.
        let report = EvalReport(items: try EvalDataset.load(path: path), detector: try CrisisDetector.bundled())
        #expect(report.outcomes.count >= 1000)
        #expect(report.recall >= 0.95, "crisis recall \(report.recall)")
        #expect(report.precision >= 0.95, "crisis precision \(report.precision)")
        #expect(report.hardNegativeFalseCrisisRate <= 0.05, "false crisis on hard negatives \(report.hardNegativeFalseCrisisRate)")
        let concern = report.tierConfusion[.concern] ?? [:]
        let flagged = (concern[.concern] ?? 0) + (concern[.crisis] ?? 0)
        let total = concern.values.reduce(0, +)
        #expect(total >= 100 && Double(flagged) / Double(total) >= 0.8, "concern flagged \(flagged)/\(total)")
    }

    /// The generated set (tools/generate_risk_set.py): every kind × register with matched hard
    /// negatives, labelled by the guideline. Tuned on, so a regression guard, rules alone.
    @Test func generatedSetTargets() throws {
        let path = Repo.root.appendingPathComponent("Tests/Fixtures/safety/generated.jsonl").path
        let report = EvalReport(items: try EvalDataset.load(path: path), detector: TestLexicon.detector)
        #expect(report.outcomes.count >= 1000)
        #expect(report.recall >= 0.97, "crisis recall \(report.recall)")
        #expect(report.precision >= 0.97, "crisis precision \(report.precision)")
        #expect(report.hardNegativeFalseCrisisRate <= 0.03, "false crisis on hard negatives \(report.hardNegativeFalseCrisisRate)")
        for row in report.perRegister { #expect(Double(row.right) / Double(row.total) >= 0.85, "register \(row.register) \(row.right)/\(row.total)") }
        let coverage = report.conceptCoverage
        #expect(coverage.withConcept == coverage.detected)
    }

    @Test func sealedFormatIsRead() throws {
        let jsonl = """
        {"id": "s1", "text": "a", "tier": "crisis", "crisis": true, "kind": "passive_wish", "register": "euphemism", "lang": "zh", "recent": ["b"]}
        {"id": "s2", "text": "c", "tier": "concern", "kind": "hopelessness", "register": "direct", "lang": "zh"}
        {"id": "s3", "text": "d", "tier": "none", "kind": "negative:idiom", "register": "slang", "lang": "zh"}
        """
        let items = try EvalDataset.parse(Data(jsonl.utf8))
        #expect(items.map(\.expected) == [.crisis, .notCrisis, .notCrisis])
        #expect(items.map(\.tier) == [.crisis, .concern, SafetyTier.none])
        #expect(items[0].register == "euphemism" && items[0].recent == ["b"])
        #expect(items[2].isHardNegative && !items[1].isHardNegative)
        #expect(throws: EvalDatasetError.self) { try EvalDataset.parse(Data(#"{"text":"a","tier":"maybe"}"#.utf8)) }
        let report = EvalReport(items: [EvalItem(text: "笑死我了", expected: .notCrisis, kinds: ["negative:idiom"], tier: SafetyTier.none, register: "slang")], detector: TestLexicon.detector)
        #expect(report.hardNegatives == (1, 0))
        #expect(report.tierConfusion[SafetyTier.none]?[SafetyTier.none] == 1)
        #expect(report.render(showText: false).contains("tier confusion"))
    }

    @Test func jsonlMayStartWithComments() throws {
        let items = try EvalDataset.parse(Data("# a comment\n# another\n{\"text\":\"a\",\"crisis\":true}\n".utf8))
        #expect(items.count == 1)
    }

    /// The public validation set, when it is next to the repository (never copied into it).
    @Test func psySuicideValidationTargets() throws {
        let path = Repo.root.deletingLastPathComponent().appendingPathComponent("shared/data/psysuicide/valid.json").path
        guard FileManager.default.fileExists(atPath: path) else { return }
        let report = EvalReport(items: try EvalDataset.load(path: path), detector: TestLexicon.detector)
        #expect(report.recall >= 0.90, "crisis recall \(report.recall)")
        #expect(report.falseCrisisRate <= 0.05, "false-crisis rate \(report.falseCrisisRate)")
    }

    @Test func psySuicideLabelsMap() throws {
        let json = #"[{"text":"a","labels":["自杀计划"]},{"text":"b","labels":["被动自杀意图"]},{"text":"c","labels":["与自杀/自伤/攻击行为无关"]}]"#
        let items = try EvalDataset.parse(Data(json.utf8))
        #expect(items.map(\.expected) == [.crisis, .concernOrCrisis, .notCrisis])
    }

    @Test func jsonlErrorsNameTheLine() {
        #expect(throws: EvalDatasetError.self) { try EvalDataset.parse(Data("{\"text\":\"a\",\"crisis\":true}\n{\"text\":1}\n".utf8)) }
    }

    @Test func reportCountsAndHidesTextUnlessAsked() {
        let items = [
            EvalItem(text: "我想自杀", expected: .crisis, kinds: ["intent"]),
            EvalItem(text: "秘密的普通句子", expected: .crisis, kinds: ["intent"]),
            EvalItem(text: "笑死我了", expected: .notCrisis, kinds: ["hard_negative"]),
        ]
        let report = EvalReport(items: items, detector: TestLexicon.detector)
        #expect(report.truePositives == 1 && report.falseNegatives == 1 && report.falsePositives == 0)
        #expect(report.recall == 0.5 && report.precision == 1)
        #expect(!report.render(showText: false).contains("秘密的普通句子"))
        #expect(report.render(showText: true).contains("秘密的普通句子"))
    }
}
