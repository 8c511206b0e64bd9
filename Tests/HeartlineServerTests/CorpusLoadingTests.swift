import ChatCore
import Foundation
import ModelBackends
import Safety
import Testing
@testable import HeartlineServer

/// `ModelFactory.retrieval`: the starter corpus and an operator's corpus, both passed through the
/// output check once at load.
@Suite struct CorpusLoadingTests {
    @Test func everyStarterReplyPassesTheOutputCheck() throws {
        let checker = try OutputChecker.bundled()
        var failing: [String] = []
        for intent in try CorpusLoader.starter() {
            for answer in intent.answers where !checker.violations(in: answer.text).isEmpty { failing.append(answer.id) }
            if let followUp = intent.followUp, !checker.violations(in: followUp).isEmpty { failing.append(intent.followUpID) }
        }
        for category in ["失眠", "其它", "LGBT", "性"] {
            #expect(checker.violations(in: CategoryFollowUps.text(for: category, language: .zh)).isEmpty)
        }
        #expect(checker.violations(in: RetrievalModel.clarification(.zh)).isEmpty)
        for language in [ReplyLanguage.zh, .en] { #expect(checker.violations(in: RetrievalModel.outOfScopeReply(language)).isEmpty) }
        #expect(failing.isEmpty, "\(failing)")
        #expect(try ModelFactory.checked(try CorpusLoader.starter()).count == (try CorpusLoader.starter()).count)
    }

    @Test func operatorCorpusInDatasetPrepareFormatIsGroupedAndChecked() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("heartline-corpus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("train.jsonl").path
        // The shape `heartline dataset prepare` writes: prompt with the separator, completion with a
        // leading space and the stop sequence; and chat lines.
        let lines = [
            #"{"prompt":"最近总是失眠怎么办\n\n###\n\n","completion":" 每天同一时间起床，睡前一小时放下手机。 [END]"}"#,
            #"{"prompt":"最近总是失眠怎么办？\n\n###\n\n","completion":" 白天多晒太阳，下午以后少喝咖啡。 [END]"}"#,
            #"{"prompt":"这种情况吃两片药就能好，你这是抑郁症吗\n\n###\n\n","completion":" 你这是抑郁症，我保证一定会好。 [END]"}"#,
            #"{"messages":[{"role":"user","content":"和室友合不来，天天很压抑"},{"role":"assistant","content":"可以先和室友约定作息，再找宿管协调。"}]}"#,
        ]
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        var settings = HeartlineSettings()
        settings.retrieval.corpusPath = path
        let model = try ModelFactory.retrieval(settings: settings)
        #expect(model.name == "retrieval:custom")
        // The two near-identical questions form one pseudo-intent; the diagnosing, promising
        // answer fails the output check at load and its pseudo-intent is gone.
        #expect(model.intents.filter { !$0.outOfScope }.count == 2)
        #expect(model.intents.contains { $0.outOfScope }, "the out-of-scope guard is added to an operator corpus")
        #expect(model.intents.first?.answers.count == 2)
        let request = CompletionRequest(question: "最近总是失眠怎么办", history: [], prompt: "", userHash: UserHash("u"), language: .zh, deadline: .now + .seconds(5))
        let completion = try await model.complete(request)
        #expect(!completion.isClarification)
        #expect(completion.text.contains("起床") || completion.text.contains("晒太阳"))
    }
}
