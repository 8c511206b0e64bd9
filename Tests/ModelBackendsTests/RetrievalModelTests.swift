import ChatCore
import Foundation
import Testing
@testable import ModelBackends

@Suite struct RetrievalModelTests {
    static let starter: RetrievalModel = {
        let pairs = (try? CorpusLoader.starter()) ?? []
        return RetrievalModel(pairs: pairs, name: "retrieval:starter")
    }()

    func request(_ question: String, recent: Set<String> = [], language: ReplyLanguage = .zh) -> CompletionRequest {
        CompletionRequest(question: question, history: [], prompt: "", userHash: UserHash("u"), language: language, recentAnswerIDs: recent, deadline: .now + .seconds(5))
    }

    @Test func starterCorpusLoads() throws {
        #expect(Self.starter.pairs.count >= 400)
    }

    @Test func exactQuestionsFindTheirOwnPair() async throws {
        // Every corpus question, asked verbatim, returns its own answer.
        var misses: [String] = []
        for pair in Self.starter.pairs {
            let completion = try await Self.starter.complete(request(pair.prompt, language: pair.lang == "en" ? .en : .zh))
            if completion.answerID != pair.id { misses.append(pair.id) }
        }
        #expect(misses.isEmpty, "verbatim questions answered by another pair: \(misses.prefix(10))")
    }

    @Test func paraphrasesFindTheRightTopic() async throws {
        let cases: [(String, String)] = [
            ("晚上翻来覆去睡不着，一躺下脑子就停不下来", "失眠"),
            ("男朋友天天跟我吵架，一点小事就冷战好几天", "情感关系"),
            ("考研压力好大，天天学不进去", "学业与未来规划"),
            ("刷短视频停不下来，一刷就是到凌晨", "物质滥用与成瘾"),
            ("my cat died last week and i can't stop crying", "悲恸与丧失"),
        ]
        for (question, category) in cases {
            let ranking = Self.starter.rank(question)
            #expect(ranking.aboveThreshold, "\(question) should match something")
            #expect(ranking.categories.prefix(3).map(\.category).contains(category), "\(question) → \(ranking.categories.prefix(3).map(\.category))")
        }
    }

    @Test func unrelatedTextFallsBelowThresholdAndGetsAClarifyingReply() async throws {
        for text in ["明天北京会下雨吗", "Python 的 list 怎么去重", "湖人昨晚比分多少", "what's the capital of France"] {
            let completion = try await Self.starter.complete(request(text, language: ReplyLanguage(text: text, languageTag: nil)))
            #expect(completion.isClarification, "\(text) should be below the threshold")
        }
        let clarification = try await Self.starter.complete(request("asdfgh"))
        #expect(clarification.text == RetrievalModel.clarification(.zh))
    }

    @Test func repeatedQuestionsGetDifferentAnswers() async throws {
        let question = "晚上总是睡不着怎么办"
        var recent: Set<String> = []
        var texts: [String] = []
        for _ in 0..<3 {
            let completion = try await Self.starter.complete(request(question, recent: recent))
            texts.append(completion.text)
            recent.insert(try #require(completion.answerID))
        }
        #expect(Set(texts).count == 3)
    }

    @Test func isDeterministic() async throws {
        let a = try await Self.starter.complete(request("和室友关系很僵"))
        let b = try await Self.starter.complete(request("和室友关系很僵"))
        #expect(a == b)
    }

    @Test func loadsPromptCompletionAndMessagesFormats() throws {
        let jsonl = """
        {"prompt":"失眠怎么办\\n\\n###\\n\\n","completion":" 固定起床时间。 [END]"}
        {"messages":[{"role":"system","content":"s"},{"role":"user","content":"考试焦虑"},{"role":"assistant","content":"先深呼吸。"},{"role":"user","content":"还是怕"},{"role":"assistant","content":"写下担心的事。"}]}

        """
        let pairs = try CorpusLoader.parse(Data(jsonl.utf8))
        #expect(pairs.map(\.prompt) == ["失眠怎么办", "考试焦虑", "还是怕"])
        #expect(pairs.map(\.completion) == ["固定起床时间。", "先深呼吸。", "写下担心的事。"])
        #expect(throws: CorpusError.invalidLine(1, "not a JSON object with prompt/completion or messages")) { try CorpusLoader.parse(Data("[1,2]\n".utf8)) }
        #expect(throws: CorpusError.empty) { try CorpusLoader.parse(Data("\n\n".utf8)) }
        #expect(throws: CorpusError.invalidLine(1, "needs prompt and completion, or messages")) { try CorpusLoader.parse(Data(#"{"text":"x"}"#.utf8)) }
    }

    @Test func tokenizerMakesChineseBigramsAndExpandsSynonyms() {
        let tokens = RetrievalTokenizer().tokens("我睡不着")
        #expect(tokens.contains("睡不") && tokens.contains("不着") && tokens.contains("睡"))
        #expect(!tokens.contains("我"))
        #expect(tokens.contains("失眠"))
        #expect(RetrievalTokenizer().tokens("I can't SLEEP, worries").contains("sleep"))
    }
}
