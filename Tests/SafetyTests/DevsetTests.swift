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
