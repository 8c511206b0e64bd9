import ChatCore
import Foundation
import Testing
@testable import ModelBackends

@Suite struct RetrievalModelTests {
    static let starter: RetrievalModel = RetrievalModel(intents: (try? CorpusLoader.starter()) ?? [], name: "retrieval:starter")

    func request(_ question: String, recent: Set<String> = [], history: [Turn] = [], language: ReplyLanguage = .zh) -> CompletionRequest {
        CompletionRequest(question: question, history: history, prompt: "", userHash: UserHash("u"), language: language, recentAnswerIDs: recent, deadline: .now + .seconds(5))
    }

    func intent(of completion: Completion) -> String? {
        Self.starter.intents.first { $0.answers.contains { $0.id == completion.answerID } }?.id
    }

    @Test func starterCorpusLoads() throws {
        #expect(Self.starter.intents.count >= 100)
        #expect(Self.starter.questionCount >= 1500)
    }

    /// The README's and issue 14's example questions answer on topic, not with the menu.
    @Test func readmeQuestionsAnswerOnTopic() async throws {
        let cases: [(String, Set<String>)] = [
            ("我最近总是失眠怎么办", ["insomnia_general"]),
            ("最近总是失眠怎么办", ["insomnia_general"]),
            ("最近总是失眠，晚上翻来覆去睡不着怎么办", ["insomnia_general", "insomnia_racing_thoughts"]),
            ("我最近总是失眠，躺在床上脑子停不下来，怎么办", ["insomnia_racing_thoughts"]),
            ("我是同性恋，不敢跟父母说", ["lgbt_coming_out"]),
            ("工作五年了还是基层，觉得自己很失败", ["work_stalled_career"]),
        ]
        for (question, expected) in cases {
            let completion = try await Self.starter.complete(request(question))
            #expect(!completion.isClarification, "\(question) got \(completion.answerID ?? "the menu")")
            #expect(intent(of: completion).map(expected.contains) == true, "\(question) → \(completion.answerID ?? "menu")")
            #expect(completion.origin == .retrieval && completion.category != nil)
        }
    }

    /// Issue 14's examples of answers about someone else's situation now reach their own intent.
    @Test func issueExamplesReachTheirIntent() async throws {
        let cases = [
            ("孩子上初中开始叛逆，天天玩手机", "parenting_teen_phone"),
            ("父亲去世半年了", "grief_father"),
            ("婆媳关系很紧张", "family_inlaws_husband"),
            ("被公司裁员了", "work_layoff"),
            ("室友半夜打游戏", "social_roommate_noise"),
            ("开会发言前手心出汗", "social_speaking_up"),
        ]
        for (question, expected) in cases {
            let completion = try await Self.starter.complete(request(question))
            #expect(intent(of: completion) == expected, "\(question) → \(completion.answerID ?? "menu")")
        }
    }

    /// Questions for someone else (wordings written for this test, not in out-of-scope.jsonl) get the
    /// out-of-scope reply, never an answer; feelings about the same subjects are still answered.
    @Test func outOfScopeQuestionsAreNotAnswered() async throws {
        for (text, language) in [("用python写一个快速排序", ReplyLanguage.zh), ("明天上海下不下雨", .zh), ("感冒了吃几片对乙酰氨基酚", .zh),
                                 ("how do I fix a merge conflict in git", .en)] {
            let completion = try await Self.starter.complete(request(text, language: language))
            #expect(completion.isClarification, "\(text) → \(completion.answerID ?? "-")")
        }
        for text in ["python怎么读取excel文件", "明天北京下雨吗", "红烧排骨怎么做"] {
            let completion = try await Self.starter.complete(request(text))
            #expect(completion.text == RetrievalModel.outOfScopeReply(.zh) && completion.answerID == nil, "\(text) → \(completion.answerID ?? "-")")
        }
        let stressed = try await Self.starter.complete(request("最近天天加班写代码，压力大到睡不着"))
        #expect(stressed.answerID != nil && !(stressed.answerID?.isEmpty ?? true), "work stress is still answered or followed up")
    }

    @Test func contentFreeMessagesGetTheMenu() async throws {
        for text in ["嗯嗯", "asdfgh", "？？？", "ok"] {
            let completion = try await Self.starter.complete(request(text, language: ReplyLanguage(text: text, languageTag: nil)))
            #expect(completion.isClarification && completion.answerID == nil, "\(text) → \(completion.answerID ?? "menu")")
        }
        let menu = try await Self.starter.complete(request("asdfgh"))
        #expect(menu.text == RetrievalModel.clarification(.zh))
    }

    /// A message that points at a topic without saying which situation gets that intent's own
    /// follow-up (answerID `followup:<intent>`), and the reply to it is answered.
    @Test func ambiguousMessageGetsASpecificFollowUpThenAnAnswer() async throws {
        let question = "睡不好"
        let first = try await Self.starter.complete(request(question))
        let followUp = try #require(first.answerID)
        #expect(first.isClarification && followUp.hasPrefix(Intent.followUpPrefix), "\(question) → \(followUp)")
        #expect(first.text != RetrievalModel.clarification(.zh))
        #expect(first.category == "失眠")
        let history = [Turn(question: question, answer: first.text, at: Date(), answerID: followUp)]
        let second = try await Self.starter.complete(request("很早就醒", recent: [followUp], history: history))
        #expect(!second.isClarification)
        #expect(intent(of: second) == "insomnia_early_waking", "→ \(second.answerID ?? "menu")")
    }

    @Test func repeatedQuestionsRotateThroughTheIntentsAnswers() async throws {
        let question = "我最近总是失眠怎么办"
        var recent: Set<String> = []
        var history: [Turn] = []
        var ids: [String] = []
        for _ in 0..<4 {
            let completion = try await Self.starter.complete(request(question, recent: recent, history: history))
            let id = try #require(completion.answerID)
            ids.append(id)
            recent.insert(id)
            history.append(Turn(question: question, answer: completion.text, at: Date(), answerID: id))
        }
        // insomnia_general has three answers: all three, then the one given longest ago.
        #expect(Set(ids.prefix(3)).count == 3)
        #expect(ids[3] == ids[0])
    }

    @Test func isDeterministic() async throws {
        let a = try await Self.starter.complete(request("和室友关系很僵"))
        let b = try await Self.starter.complete(request("和室友关系很僵"))
        #expect(a == b)
    }

    @Test func englishQuestionsReachEnglishIntents() async throws {
        let completion = try await Self.starter.complete(request("my cat died last week and i can't stop crying", language: .en))
        #expect(intent(of: completion) == "grief_pet_en", "→ \(completion.answerID ?? "menu")")
    }

    @Test func loadsIntentPromptCompletionAndMessagesFormats() throws {
        let jsonl = """
        # a comment
        {"intent":"sleep","category":"失眠","lang":"zh","followup":"是睡不着还是早醒？","questions":["睡不着","失眠了"],"answers":["固定起床时间。","睡前放下手机。"]}
        {"prompt":"失眠怎么办\\n\\n###\\n\\n","completion":" 固定起床时间。 [END]"}
        {"messages":[{"role":"system","content":"s"},{"role":"user","content":"考试焦虑"},{"role":"assistant","content":"先深呼吸。"},{"role":"user","content":"还是怕"},{"role":"assistant","content":"写下担心的事。"}]}

        """
        let contents = try CorpusLoader.contents(of: Data(jsonl.utf8))
        #expect(contents.intents.map(\.id) == ["sleep"])
        #expect(contents.intents[0].answers.map(\.id) == ["sleep#1", "sleep#2"])
        #expect(contents.intents[0].followUp == "是睡不着还是早醒？")
        #expect(contents.pairs.map(\.prompt) == ["失眠怎么办", "考试焦虑", "还是怕"])
        #expect(contents.pairs.map(\.completion) == ["固定起床时间。", "先深呼吸。", "写下担心的事。"])
        #expect(contents.allIntents.count == 4)
        #expect(throws: CorpusError.invalidLine(1, "not a JSON object with an intent, prompt/completion or messages")) { try CorpusLoader.parse(Data("[1,2]\n".utf8)) }
        #expect(throws: CorpusError.empty) { try CorpusLoader.parse(Data("\n\n".utf8)) }
        #expect(throws: CorpusError.invalidLine(1, "needs prompt and completion, or messages")) { try CorpusLoader.parse(Data(#"{"text":"x"}"#.utf8)) }
        #expect(throws: CorpusError.invalidLine(1, "an intent needs an id, questions and answers")) { try CorpusLoader.parse(Data(#"{"intent":"x","questions":[],"answers":["a"]}"#.utf8)) }
    }

    /// An operator's pairs: near-identical questions share one pseudo-intent and its answers.
    @Test func pairsGroupIntoPseudoIntents() async throws {
        let pairs = [
            CorpusPair(id: "a", prompt: "失眠怎么办？", completion: "固定起床时间。", category: "失眠"),
            CorpusPair(id: "b", prompt: "失眠怎么办啊", completion: "睡前放下手机。", category: "失眠"),
            CorpusPair(id: "c", prompt: "考试前很紧张怎么办", completion: "先深呼吸。", category: "学业与未来规划"),
        ]
        let intents = IntentGrouper.group(pairs)
        #expect(intents.count == 2)
        #expect(intents[0].answers.map(\.id) == ["a", "b"])
        let model = RetrievalModel(pairs: pairs)
        let first = try await model.complete(request("失眠怎么办"))
        let second = try await model.complete(request("失眠怎么办", recent: [try #require(first.answerID)]))
        #expect(Set([first.answerID, second.answerID]) == ["a", "b"])
    }

    @Test func tokenizerMakesChineseBigramsAndExpandsSynonyms() {
        let tokens = RetrievalTokenizer().tokens("我睡不着")
        #expect(tokens.contains("睡不") && tokens.contains("不着") && tokens.contains("睡"))
        #expect(!tokens.contains("我"))
        #expect(tokens.contains("失眠"))
        #expect(RetrievalTokenizer().tokens("I can't SLEEP, worries").contains("sleep"))
    }
}
