import ChatCore
import Foundation
import Testing
@testable import ModelBackends

/// Regression guards at the measured numbers of docs/starter-corpus.md ("Measured quality"), so a
/// change to the corpus, tokenizer or gate that makes answers worse fails here.
@Suite struct AnswerQualityTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// The development set the gate was tuned on (Tests/Fixtures/answers/dev.jsonl).
    @Test func devSetKeepsItsMeasuredNumbers() async throws {
        let cases = try AnswerEvaluation.load(path: Self.fixtures.appendingPathComponent("answers/dev.jsonl").path)
        #expect(cases.count >= 300)
        let model = RetrievalModel(intents: try CorpusLoader.starter())
        let report = try await AnswerEvaluation.run(model, cases: cases, taxonomy: AnswerEvaluation.bundledTaxonomy())
        #expect(report.inScopeJudged >= 290)
        #expect(report.rate(.correct) >= 0.92, "correct \(report.rate(.correct))")
        #expect(report.rate(.wrong) <= 0.015, "wrong \(report.rate(.wrong))")
        #expect(report.rate(.menu) <= 0.01, "menu \(report.rate(.menu))")
        #expect(report.outOfScopeHeld >= 0.94, "out of scope held \(report.outOfScopeHeld)")
        #expect(report.roleInconsistent == 0, "\(report.roleMisses.prefix(5).map(\.answerID))")
    }

    /// The older category-level file (Tests/Fixtures/retrieval/heldout.jsonl).
    @Test func heldOutCategoryRoutingKeepsItsMeasuredNumbers() throws {
        let items = try RetrievalEvaluation.load(path: Self.fixtures.appendingPathComponent("retrieval/heldout.jsonl").path)
        #expect(items.count >= 250)
        let report = RetrievalEvaluation.run(RetrievalModel(intents: try CorpusLoader.starter()), items: items)
        #expect(report.top1Accuracy >= 0.80, "top-1 \(report.top1Accuracy)")
        #expect(report.top3Accuracy >= 0.92, "top-3 \(report.top3Accuracy)")
        #expect(report.offTopicBelowThresholdRate >= 0.90, "off-topic not answered \(report.offTopicBelowThresholdRate)")
    }

    /// The evaluation itself: a wrong confident answer, a follow-up and the menu are each counted
    /// where they belong; an answer naming a role the question lacks is never given (the model
    /// gives the intent's other, role-clean answer, or asks its follow-up).
    @Test func evaluationCountsEachOutcome() async throws {
        let intents = [
            Intent(id: "sleep", category: "失眠", lang: "zh", questions: ["晚上睡不着怎么办", "失眠好几天了睡不着"],
                   answers: [Intent.Answer(id: "sleep#1", text: "你父亲一定也希望你睡个好觉。"), Intent.Answer(id: "sleep#2", text: "先固定起床时间。")],
                   followUp: "是睡不着还是早醒？"),
            Intent(id: "grief", category: "悲恸与丧失", lang: "zh", questions: ["亲人去世了很难过", "家里有人走了心里空落落的"],
                   answers: [Intent.Answer(id: "grief#1", text: "失去父亲的痛需要时间。")], followUp: "是哪位亲人离开了？"),
            Intent(id: "exam", category: "学业与未来规划", lang: "zh", questions: ["明天考试好紧张", "考试前紧张得睡不着"],
                   answers: [Intent.Answer(id: "exam#1", text: "考前紧张很常见。")], followUp: "是哪场考试？"),
        ]
        let model = RetrievalModel(intents: intents)
        let cases = [
            AnswerEvaluation.Case(id: "1", text: "晚上睡不着怎么办", intent: "sleep"),
            AnswerEvaluation.Case(id: "2", text: "明天考试好紧张", intent: "sleep"),
            AnswerEvaluation.Case(id: "3", text: "嗯嗯", intent: "exam"),
            AnswerEvaluation.Case(id: "4", text: "asdf", intent: "out_of_scope"),
            AnswerEvaluation.Case(id: "5", text: "亲人去世了很难过", intent: "grief"),
        ]
        let report = try await AnswerEvaluation.run(model, cases: cases)
        #expect(report.inScope[.correct] == 1)
        #expect(report.inScope[.wrong] == 1)
        #expect(report.inScope[.menu] == 1)
        #expect(report.inScope[.followUp] == 1, "the grief answer names a father the question lacks: follow-up instead")
        #expect(report.outOfScope[.menu] == 1)
        #expect(report.outOfScopeHeld == 1)
        #expect(report.roleInconsistent == 0)
        let sleep = try await model.complete(CompletionRequest(
            question: "晚上睡不着怎么办", history: [], prompt: "", userHash: UserHash("u"), language: .zh, deadline: .now + .seconds(5)))
        #expect(sleep.answerID == "sleep#2")
    }
}
