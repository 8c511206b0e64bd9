import ChatCore
import Foundation
import Synchronization
import Testing
@testable import Safety

/// A detector that returns the detection scripted for a text (none otherwise), so the replies are
/// tested without depending on which wordings the live detector catches.
struct ScriptedDetector: CrisisDetecting {
    var table: [String: Detection]
    /// Returned for any message read with earlier turns (the live detector carries a plan or means
    /// over to the next message).
    var withContext: Detection?

    func detect(_ text: String, recent: [String]) throws -> Detection {
        if let detection = table[text] { return detection }
        if let withContext, !recent.isEmpty { return withContext }
        return .none
    }
}

/// A retrieval model that answers everything with the same unrelated stock answer.
final class StockModel: CompletionModel, Sendable {
    static let zh = "工作压力大的时候，可以写一张待办清单，把事情按轻重缓急排好。"
    static let en = "When work piles up, try writing a to-do list and sorting tasks by priority."
    let name = "stock"
    let confidence: Double?
    let calls = Mutex(0)
    init(confidence: Double? = nil) { self.confidence = confidence }
    func complete(_ request: CompletionRequest) async throws -> Completion {
        calls.withLock { $0 += 1 }
        let text = request.language == .en ? Self.en : Self.zh
        return Completion(text: text, model: name, origin: .retrieval, answerID: "todo", onTopicConfidence: confidence)
    }
}

@Suite struct SafetyReplyPipelineTests {
    struct Fixture: Sendable, CustomTestStringConvertible {
        var text: String
        var detection: Detection
        /// Words of the message that must never come back in the reply.
        var userDetail: String
        var testDescription: String { "\(detection.tier.rawValue): \(text)" }
    }

    static func crisis(_ text: String, _ concepts: Set<RiskConcept>, detail: String) -> Fixture {
        Fixture(text: text, detection: Detection(tier: .crisis, reasons: ["test"], concepts: concepts), userDetail: detail)
    }

    static func concern(_ text: String, _ concepts: Set<RiskConcept>, detail: String) -> Fixture {
        Fixture(text: text, detection: Detection(tier: .concern, reasons: ["test"], concepts: concepts), userDetail: detail)
    }

    static let fixtures: [Fixture] = [
        crisis("我在床垫下面藏了一把刀", [.means], detail: "床垫"),
        crisis("家人没有我会过得更好吧", [.burdensomeness], detail: "过得更好"),
        crisis("要是睡着了就别醒来多好", [.passiveWish], detail: "多好"),
        crisis("吃多少片能睡过去不醒", [.methodQuestion], detail: "多少片"),
        crisis("把存款和密码都交给妹妹了", [.preparation], detail: "密码"),
        crisis("我刚把一整瓶都吃了", [.attempt], detail: "一整瓶"),
        crisis("我弟发了像遗言的话，电话打不通", [.thirdPersonAtRisk, .preparation], detail: "遗言"),
        crisis("真想拿东西砸烂他的头", [.harmToOthers], detail: "砸烂"),
        crisis("不想再治了，反正也好不了", [.treatmentRefusal], detail: "好不了"),
        crisis("我消失了也没人会发现", [.thwartedBelonging], detail: "消失了"),
        crisis("我又用刀片划了手臂", [.selfHarm], detail: "刀片"),
        crisis("定好了周五晚上", [.plan], detail: "周五"),
        crisis("I hid a knife under my mattress", [.means], detail: "mattress"),
        crisis("I'm just a burden to my family", [.burdensomeness], detail: "my family"),
        crisis("which bridge is the highest around here", [.methodQuestion], detail: "bridge"),
        Fixture(text: "说不上来的难受", detection: Detection(tier: .crisis, reasons: ["classifier"]), userDetail: "说不上来"),
        concern("最近真的看不到任何希望", [.hopelessness], detail: "任何希望"),
        concern("工作压力大到喘不过气", [.distress], detail: "喘不过气"),
        concern("I feel completely worthless lately", [.hopelessness], detail: "worthless"),
        Fixture(text: "心里乱糟糟的", detection: Detection(tier: .concern, reasons: ["classifier"]), userDetail: "乱糟糟"),
    ]

    static func pipeline(_ detector: ScriptedDetector, model: any CompletionModel = StockModel(), clock: TestClock = TestClock()) -> ConversationPipeline {
        let safety = SafetyLayer(detector: detector, outputChecker: TestLexicon.output)
        return ConversationPipeline(
            configuration: PipelineConfiguration(crisisCooldown: .seconds(3600)),
            sessions: MemorySessions(), model: model, safety: safety, now: { clock.now }
        )
    }

    static func send(_ pipeline: ConversationPipeline, _ text: String, user: String = "a", clock: TestClock = TestClock()) async -> Reply {
        let message = InboundMessage(channel: .local, userKey: "local:" + user, chatKey: user, platformMessageID: UUID().uuidString, text: text, receivedAt: clock.now)
        return await pipeline.handle(message, userHash: UserHash("h-" + user))
    }

    static func hasHotlines(_ text: String) -> Bool {
        HotlineDirectory.all.allSatisfy { text.contains($0.number) } && text.contains("110") && text.contains("120")
    }

    @Test(arguments: fixtures)
    func noConcernOrCrisisMessageIsAnsweredByTheModelAlone(fixture: Fixture) async {
        let table = Dictionary(uniqueKeysWithValues: Self.fixtures.map { ($0.text, $0.detection) })
        let reply = await Self.send(Self.pipeline(ScriptedDetector(table: table)), fixture.text)
        #expect(reply.source != .retrieval && reply.source != .model)
        #expect(!reply.text.contains(StockModel.zh) && !reply.text.contains(StockModel.en))
        #expect(!reply.text.contains(fixture.userDetail), "the reply must not echo the message")
        #expect(reply.tier == fixture.detection.tier)
        if fixture.detection.tier == .crisis {
            #expect(reply.source == .crisis && Self.hasHotlines(reply.body))
            #expect(reply.body.contains("？") || reply.body.contains("?"))
        } else {
            #expect(reply.source == .concern && reply.resourceLine != nil)
        }
    }

    @Test func aConfidentOnTopicAnswerIsFramedNeverAlone() async {
        let detector = ScriptedDetector(table: ["最近真的看不到任何希望": Detection(tier: .concern, concepts: [.hopelessness])])
        let reply = await Self.send(Self.pipeline(detector, model: StockModel(confidence: 0.95)), "最近真的看不到任何希望")
        #expect(reply.source == .retrieval && reply.tier == .concern)
        #expect(reply.body != StockModel.zh && reply.body.contains(StockModel.zh))
        #expect(reply.body.hasPrefix(ResponderText.text(.acknowledge(.hopelessness), .zh)))
        #expect(reply.body.contains("你有过这样的想法吗？") && reply.resourceLine == SafetyReplies.concernLine(.zh))
    }

    @Test func aYesEscalatesANoIsCalmAndOtherMessagesProceed() async {
        let clock = TestClock()
        let detector = ScriptedDetector(table: ["家人没有我会过得更好吧": Detection(tier: .crisis, concepts: [.burdensomeness])])
        let pipeline = Self.pipeline(detector, clock: clock)
        let first = await Self.send(pipeline, "家人没有我会过得更好吧", clock: clock)
        #expect(first.body.contains("你现在有想过结束自己的生命吗？"))

        let yes = await Self.send(pipeline, "嗯", clock: clock)
        #expect(yes.tier == .crisis && yes.source == .crisis && Self.hasHotlines(yes.body))
        #expect(yes.body.contains(ResponderText.text(.question(.plan), .zh)))

        let no = await Self.send(pipeline, "没有", clock: clock)
        #expect(no.tier == .concern && no.source == .concern && no.body.hasPrefix("谢谢你告诉我"))
        #expect(!no.text.contains("010-82951332") && !no.text.contains(StockModel.zh), "calm: no hotline list, no stock answer")

        // The question was answered: a later "嗯" is an ordinary message.
        let later = await Self.send(pipeline, "嗯", clock: clock)
        #expect(later.source == .retrieval && later.tier == .none)
    }

    @Test func aNoIsReadAgainstTheQuestionNotTheTurnsBeforeIt() async {
        // The live detector carries means stated earlier over to the next message; a plain "no"
        // to the question about them is still met calmly.
        let detector = ScriptedDetector(
            table: ["I hid a knife under my mattress": Detection(tier: .crisis, concepts: [.means])],
            withContext: Detection(tier: .crisis, reasons: ["escalation.carried"], concepts: [.means])
        )
        let pipeline = Self.pipeline(detector)
        let crisis = await Self.send(pipeline, "I hid a knife under my mattress")
        #expect(crisis.body.contains("Are you having thoughts of ending your life right now?") && crisis.body.contains("knife"))
        let no = await Self.send(pipeline, "no, not really")
        #expect(no.source == .concern && no.body.hasPrefix("Thank you for telling me"))
    }

    @Test func unrelatedMessagesProceedAndTheQuestionExpires() async {
        let clock = TestClock()
        let model = StockModel()
        let detector = ScriptedDetector(table: ["要是睡着了就别醒来多好": Detection(tier: .crisis, concepts: [.passiveWish])])
        let pipeline = Self.pipeline(detector, model: model, clock: clock)
        _ = await Self.send(pipeline, "要是睡着了就别醒来多好", clock: clock)
        let other = await Self.send(pipeline, "今天去超市买了菜", clock: clock)
        #expect(other.source == .retrieval && other.resourceLine == HotlineDirectory.shortLine(for: .zh), "crisis mode keeps the resource line")
        clock.advance(31 * 60)
        let late = await Self.send(pipeline, "嗯", clock: clock)
        #expect(late.source == .retrieval && late.tier == .none)
        #expect(model.calls.withLock { $0 } == 2)
    }

    @Test func crisisModeKeepsAResourceLineUntilCoolDown() async {
        let clock = TestClock()
        let model = StockModel()
        let detector = ScriptedDetector(table: ["我不想活了": Detection(tier: .crisis, reasons: ["intent"], concepts: [.suicidalThought])])
        let pipeline = Self.pipeline(detector, model: model, clock: clock)
        let crisis = await Self.send(pipeline, "我不想活了", clock: clock)
        #expect(crisis.tier == .crisis && crisis.source == .crisis && crisis.disclaimer != nil)
        #expect(model.calls.withLock { $0 } == 0)
        clock.advance(60)
        #expect(await Self.send(pipeline, "今天吃了饭", clock: clock).resourceLine == HotlineDirectory.shortLine(for: .zh))
        clock.advance(3600)
        #expect(await Self.send(pipeline, "今天散了步", clock: clock).resourceLine == nil)
    }

    @Test func aThirdPersonAtRiskGetsTheHelperScriptThroughThePipeline() async {
        let text = "我弟发了像遗言的话，电话打不通"
        let detector = ScriptedDetector(table: [text: Detection(tier: .crisis, concepts: [.thirdPersonAtRisk])])
        let reply = await Self.send(Self.pipeline(detector), text)
        #expect(reply.source == .crisis && reply.body.contains("现在就拨打 110") && reply.body.contains("离对方最近的人"))
        #expect(reply.body.contains("不要让他/她一个人待着") && Self.hasHotlines(reply.body))
    }
}
