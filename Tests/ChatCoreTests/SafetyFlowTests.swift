import Foundation
import Synchronization
import Testing
@testable import ChatCore

/// The pipeline's side of the safety replies: concern replies never send the model's answer alone,
/// crisis replies never contain it, and the session remembers the safety question asked.
@Suite struct SafetyFlowTests {
    let sessions = MemorySessionStore()
    let hasher = PlainHasher()
    let clock = ManualClock()

    func pipeline(model: ScriptedModel = ScriptedModel(), safety: KeywordSafety = KeywordSafety(), maxInput: Int = 2000) -> ConversationPipeline {
        let clock = self.clock
        return ConversationPipeline(
            configuration: PipelineConfiguration(maxInputCharacters: maxInput),
            sessions: sessions, model: model, safety: safety, now: { clock.now }
        )
    }

    func send(_ p: ConversationPipeline, _ text: String) async -> Reply {
        let m = message(text)
        return await p.handle(m, userHash: hasher.hash(m.userKey))
    }

    var pending: PendingSafetyQuestion? {
        sessions.sessions.withLock { $0[hasher.hash("local:alice")]?.pendingSafetyQuestion }
    }

    func advance(_ seconds: TimeInterval) { clock.advance(seconds) }

    static let stock = "写一张待办清单，把工作按轻重缓急排好。"

    static func stockModel(confidence: Double?, origin: Completion.Origin = .retrieval) -> ScriptedModel {
        ScriptedModel { _ in Completion(text: stock, model: "m", origin: origin, answerID: "todo-1", onTopicConfidence: confidence) }
    }

    @Test(arguments: [nil, 0.2, 0.74] as [Double?])
    func concernNeverSendsAnAnswerThatIsNotConfidentlyOnTopic(confidence: Double?) async {
        let reply = await send(pipeline(model: Self.stockModel(confidence: confidence)), "CONCERN")
        #expect(reply.source == .concern && reply.tier == .concern)
        #expect(!reply.text.contains(Self.stock))
        #expect(reply.body == KeywordSafety.concernResponse.body && reply.resourceLine == "RESOURCE-LINE")
        #expect(pending?.question == .screening)
    }

    @Test func concernIncludesAConfidentOnTopicAnswerInsideTheSupportiveLines() async {
        let reply = await send(pipeline(model: Self.stockModel(confidence: 0.9)), "CONCERN")
        #expect(reply.source == .retrieval && reply.tier == .concern && reply.resourceLine == "RESOURCE-LINE")
        #expect(reply.body == ["CONCERN-LEAD", Self.stock, "CONCERN-FOLLOW-UP？"].joined(separator: "\n\n"))
        #expect(pending?.question == .screening, "the follow-up asked the screening question")
        #expect(sessions.sessions.withLock { $0[hasher.hash("local:alice")]?.turns.last?.answerID } == "todo-1")
    }

    @Test func aConfidentClarificationOrFallbackIsNotATopicAnswer() async {
        let clarifying = ScriptedModel { _ in Completion(text: "能多说一点吗？", model: "m", origin: .retrieval, isClarification: true, onTopicConfidence: 1) }
        #expect(await send(pipeline(model: clarifying), "CONCERN").source == .concern)
        let failing = ScriptedModel { _ in throw ModelError.timeout }
        #expect(await send(pipeline(model: failing), "CONCERN").source == .concern)
    }

    @Test func concernAnswerFailingTheOutputCheckFallsBackToTheSupportiveReply() async {
        let unsafe = ScriptedModel { _ in Completion(text: "UNSAFE", model: "m", origin: .primary, onTopicConfidence: 1) }
        let replaced = await send(pipeline(model: unsafe), "CONCERN")
        #expect(replaced.source == .concern && !replaced.body.contains("UNSAFE"))
        let broken = await send(pipeline(model: Self.stockModel(confidence: 1), safety: KeywordSafety(throwOnOutput: true)), "CONCERN")
        #expect(broken.source == .concern && !broken.body.contains(Self.stock))
    }

    @Test func longConcernMessageGetsTheSupportiveReplyWithoutTheModel() async {
        let model = Self.stockModel(confidence: 1)
        let reply = await send(pipeline(model: model, maxInput: 10), "CONCERN " + String(repeating: "长", count: 20))
        #expect(reply.source == .concern && model.callCount == 0)
    }

    @Test func crisisNeverContainsTheModelAnswerAndAsksAQuestion() async {
        let model = Self.stockModel(confidence: 1)
        let reply = await send(pipeline(model: model), "CRISIS")
        #expect(reply.source == .crisis && !reply.text.contains(Self.stock) && model.callCount == 0)
        #expect(pending?.question == .suicidalThoughts && pending?.turnsLeft == 2)
    }

    @Test func aYesToThePendingQuestionEscalatesAndANoIsCalm() async {
        let p = pipeline(model: Self.stockModel(confidence: nil))
        _ = await send(p, "CRISIS")
        let yes = await send(p, "YES")
        #expect(yes.tier == .crisis && yes.source == .crisis && yes.body == "CONFIRMED 12356")
        #expect(pending?.question == .plan, "the confirmed reply asks the next question")
        let no = await send(p, "NO")
        #expect(no.tier == .concern && no.source == .concern && no.body == "CALM-REPLY")
        #expect(pending == nil, "a no clears the question")
        // With nothing pending, YES is an ordinary message.
        #expect(await send(p, "YES").source == .retrieval)
    }

    @Test func unrelatedMessagesProceedAndThePendingQuestionExpiresAfterTwoTurns() async {
        let p = pipeline(model: Self.stockModel(confidence: nil))
        _ = await send(p, "CRISIS")
        let other = await send(p, "今天吃了什么")
        #expect(other.source == .retrieval && other.body == Self.stock)
        #expect(pending?.turnsLeft == 1)
        _ = await send(p, "明天呢")
        #expect(pending == nil)
        #expect(await send(p, "YES").source == .retrieval)
    }

    @Test func thePendingQuestionExpiresAfterItsTimeLimit() async {
        let p = pipeline(model: Self.stockModel(confidence: nil))
        _ = await send(p, "CRISIS")
        advance(31 * 60)
        #expect(await send(p, "YES").source == .retrieval)
        #expect(pending == nil)
        _ = await send(p, "CRISIS")
        advance(29 * 60)
        #expect(await send(p, "YES").source == .crisis)
    }

    @Test func resetClearsThePendingQuestion() async {
        let p = pipeline()
        _ = await send(p, "CRISIS")
        _ = await send(p, "/reset")
        #expect(pending == nil)
    }

    @Test func sessionsWrittenBeforeThePendingQuestionStillDecode() throws {
        let old = #"{"version":1,"turns":[],"createdAt":0,"updatedAt":0,"disclaimerShown":true,"flags":{}}"#
        let session = try JSONDecoder().decode(Session.self, from: Data(old.utf8))
        #expect(session.pendingSafetyQuestion == nil && session.disclaimerShown)
        var current = Session(now: Date(timeIntervalSince1970: 0))
        current.pendingSafetyQuestion = PendingSafetyQuestion(question: .methodIntent, askedAt: Date(timeIntervalSince1970: 5), turnsLeft: 2)
        let data = try JSONEncoder().encode(current)
        #expect(String(decoding: data, as: UTF8.self).contains("\"method_intent\""))
        #expect(try JSONDecoder().decode(Session.self, from: data) == current)
    }
}

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    let current = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
    var now: Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}
