import ChatCore
import Testing
@testable import Safety

@Suite struct SafetyResponderTests {
    let responder = SafetyResponder()

    static let crisisConcepts = RiskConcept.allCases.filter { $0 != .hopelessness && $0 != .distress }

    /// Words that would name a method, a dose or a place: never in a safety reply.
    static let methodWords = [
        "跳楼", "上吊", "烧炭", "割腕", "安眠药", "农药", "片", "毫克", "mg", "多少", "楼顶", "天台", "最深", "无痛",
        "overdose", "lethal", "how many", "painless", "deepest", "rooftop", "hanging", "bridge",
    ]

    static let directQuestions: [ReplyLanguage: [String]] = [
        .zh: SafetyQuestion.allCases.map { ResponderText.text(.question($0), .zh) }
            + [ResponderText.text(.companyQuestion, .zh), ResponderText.text(.whereaboutsQuestion, .zh), ResponderText.text(.leaveQuestion, .zh)],
        .en: SafetyQuestion.allCases.map { ResponderText.text(.question($0), .en) }
            + [ResponderText.text(.companyQuestion, .en), ResponderText.text(.whereaboutsQuestion, .en), ResponderText.text(.leaveQuestion, .en)],
    ]

    static func checkCrisis(_ body: String, _ language: ReplyLanguage, _ label: String) {
        for hotline in HotlineDirectory.all {
            #expect(body.contains(hotline.number), "\(label): missing \(hotline.number)")
        }
        #expect(body.contains("110") && body.contains("120"), "\(label): missing 110/120")
        #expect(directQuestions[language, default: []].contains { body.contains($0) }, "\(label): no direct question")
        let lowered = body.lowercased()
        for word in methodWords {
            #expect(!lowered.contains(word), "\(label): method detail \(word)")
        }
    }

    @Test(arguments: crisisConcepts, [ReplyLanguage.zh, .en])
    func everyCrisisReplyHasHotlinesADirectQuestionAndNoMethodDetail(concept: RiskConcept, language: ReplyLanguage) {
        let response = responder.crisis([concept], language: language)
        Self.checkCrisis(response.body, language, "\(concept.rawValue)/\(language.rawValue)")
        #expect(response.concepts == [concept])
        if let question = response.question {
            #expect(response.body.contains(ResponderText.text(.question(question), language)))
        }
        #expect(response.body.contains(ResponderText.text(.invitation, language)) || concept == .thirdPersonAtRisk)
    }

    @Test func genericAndCombinedConceptsStillCarryEverything() {
        for language in [ReplyLanguage.zh, .en] {
            Self.checkCrisis(responder.crisis([], language: language).body, language, "generic")
            Self.checkCrisis(responder.crisis([.harmToOthers, .suicidalThought], language: language).body, language, "combined")
            Self.checkCrisis(SafetyReplies.crisis(language), language, "SafetyReplies.crisis")
        }
    }

    @Test func eachConceptIsAcknowledgedAndAskedAboutSpecifically() {
        let burden = responder.crisis([.burdensomeness], language: .zh)
        #expect(burden.body.contains("负担") && burden.body.contains("你现在有想过结束自己的生命吗？") && burden.question == .suicidalThoughts)
        let passive = responder.crisis([.passiveWish], language: .zh)
        #expect(passive.body.contains("不要再醒来") && passive.question == .suicidalThoughts)
        let method = responder.crisis([.methodQuestion], language: .zh)
        #expect(method.body.contains("你问这个，是在考虑伤害自己吗？") && method.question == .methodIntent)
        #expect(method.body.contains("能先把刀"))
        for concept in [RiskConcept.means, .preparation, .plan, .selfHarm] {
            #expect(responder.crisis([concept], language: .zh).body.contains("能先把刀"), "\(concept)")
        }
        #expect(!responder.crisis([.burdensomeness], language: .zh).body.contains("能先把刀"))
        #expect(responder.crisis([.plan], language: .zh).question == .intent)
        #expect(responder.crisis([.suicidalThought], language: .zh).question == .plan)
        #expect(responder.crisis([.selfHarm], language: .zh).body.contains("伤口"))
        #expect(responder.crisis([.burdensomeness], language: .en).body.contains("burden"))
        #expect(responder.crisis([.passiveWish], language: .en).body.contains("not wake up"))
    }

    @Test func anAttemptInProgressStartsWithCallingTheEmergencyNumber() {
        let zh = responder.crisis([.attempt, .means], language: .zh)
        #expect(zh.body.hasPrefix("请现在就拨打 120") && zh.question == .injured)
        #expect(responder.crisis([.attempt], language: .en).body.hasPrefix("Please call emergency services now"))
    }

    @Test func aThirdPersonAtRiskGetsAHelperScript() {
        let zh = responder.crisis([.thirdPersonAtRisk, .preparation], language: .zh)
        #expect(zh.body.contains("现在就拨打 110") && zh.body.contains("离对方最近的人") && zh.body.contains("继续尝试联系对方"))
        #expect(zh.body.contains("不要让他/她一个人待着") && zh.question == nil)
        #expect(!zh.body.contains("你现在有想过结束自己的生命吗"), "the helper is not asked about their own life")
        let en = responder.crisis([.thirdPersonAtRisk], language: .en)
        #expect(en.body.contains("110") && en.body.contains("nearest to them") && en.body.contains("don't leave them alone"))
    }

    @Test func harmToOthersGetsItsOwnText() {
        let zh = responder.crisis([.harmToOthers], language: .zh)
        #expect(zh.question == .harmOthers && zh.body.contains("自己离开那里") && zh.body.contains("110"))
        #expect(!zh.body.contains("结束自己的生命"))
    }

    @Test func concernRepliesAreSupportiveWithAResourceLine() {
        let hopeless = responder.concern([.hopelessness], language: .zh)
        #expect(hopeless.question == .screening && hopeless.resourceLine == SafetyReplies.concernLine(.zh))
        #expect(hopeless.body.hasPrefix(hopeless.lead ?? "-") && hopeless.followUp?.contains("你有过这样的想法吗？") == true)
        let distress = responder.concern([.distress], language: .en)
        #expect(distress.question == nil && distress.followUp == nil && distress.body.contains("How have you been getting through"))
        #expect(distress.resourceLine == SafetyReplies.concernLine(.en))
        #expect(responder.concern([], language: .zh).question == nil)
    }

    @Test func answersToSafetyQuestions() {
        for question in [SafetyQuestion.suicidalThoughts, .methodIntent, .screening] {
            let (tier, response) = responder.answer(.yes, to: question, language: .zh)
            #expect(tier == .crisis && response.answered == .yes && response.question == .plan)
            Self.checkCrisis(response.body, .zh, "yes to \(question)")
        }
        for question in [SafetyQuestion.plan, .intent, .injured, .harmOthers] {
            let (tier, response) = responder.answer(.yes, to: question, language: .en)
            #expect(tier == .crisis && response.question == nil)
            Self.checkCrisis(response.body, .en, "yes to \(question)")
        }
        #expect(responder.answer(.yes, to: .injured, language: .zh).response.body.hasPrefix("请现在就拨打 120"))
        for question in SafetyQuestion.allCases {
            let (tier, response) = responder.answer(.no, to: question, language: .zh)
            #expect(tier == .concern && response.answered == .no && response.question == nil && response.lead == nil)
            #expect(response.body.hasPrefix("谢谢你告诉我") && !response.body.contains("110") && !response.body.contains("010-82951332"))
            #expect(response.resourceLine == SafetyReplies.concernLine(.zh))
        }
    }

    @Test(arguments: [
        ("嗯", SafetyAnswer.yes), ("嗯嗯", .yes), ("有", .yes), ("是的", .yes), ("想过", .yes), ("有啊…", .yes),
        ("yes", .yes), ("Yeah.", .yes), ("yes, I have", .yes), ("有时候会", .yes), ("嗯，有", .yes), ("😔 嗯", .yes),
        ("没有", .no), ("不是", .no), ("no", .no), ("Nope!", .no), ("嗯，没有", .no), ("没有，只是随便问问", .no),
        ("not really", .no), ("不是啦", .no),
    ] as [(String, SafetyAnswer)])
    func shortAnswersAreRead(text: String, expected: SafetyAnswer) {
        #expect(SafetyAnswerReader.read(text) == expected, "\(text)")
    }

    @Test(arguments: ["今天天气不错", "我想问问考试的事", "有一个问题想问你，关于我室友总是很晚回来的事情怎么办", "ok", "不知道", "", "还没有"])
    func otherMessagesAreNotAnswers(text: String) {
        #expect(SafetyAnswerReader.read(text) == nil, "\(text)")
    }
}
