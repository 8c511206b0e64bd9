import Foundation
import Synchronization
import Testing
@testable import ChatCore

/// The pipeline with a counsellor handoff: what opens one, what the user gets while it is open,
/// the timeout (on an injected clock), and failures of the handoff store.
@Suite struct HandoffPipelineTests {
    let sessions = MemorySessionStore()
    let handoffs = MemoryHandoffStore()
    let hasher = PlainHasher()
    let clock = TestClock()

    func pipeline(model: ScriptedModel = ScriptedModel(), enabled: Bool = true, onCrisis: Bool = true) -> ConversationPipeline {
        var configuration = PipelineConfiguration()
        configuration.handoff = HandoffConfiguration(enabled: enabled, onCrisis: onCrisis, timeout: .seconds(600))
        let clock = clock
        return ConversationPipeline(
            configuration: configuration, sessions: sessions, handoffs: handoffs, model: model, safety: KeywordSafety(), now: { clock.now }
        )
    }

    func send(_ p: ConversationPipeline, _ text: String, user: String = "alice", channel: ChatChannel = .local) async -> Reply {
        var m = message(text, user: user)
        m.channel = channel
        return await p.handle(m, userHash: hasher.hash(m.userKey))
    }

    @Test func aCrisisOpensAHandoffAndTheHoldingMessageGoesOutOnce() async throws {
        let model = ScriptedModel()
        let p = pipeline(model: model)
        let crisis = await send(p, "CRISIS")
        #expect(crisis.source == .crisis && crisis.body == "CRISIS-REPLY 12356")
        #expect(crisis.resourceLine == HandoffText.holding(.en))  // "CRISIS" reads as English
        #expect(crisis.text.contains("110") && crisis.text.contains("120"))
        let handoff = try #require(handoffs.all.first)
        #expect(handoff.reason == .crisis && handoff.status == .open && handoff.channel == .local && handoff.chatKey == "alice")
        #expect(handoffs.messages(handoff.id).map(\.from) == [.user, .bot])

        // Ordinary messages are the counsellor's: recorded, no model, nothing sent.
        let ordinary = await send(p, "我还在这里")
        #expect(ordinary.source == .handoff && !ordinary.deliver && ordinary.body.isEmpty)
        #expect(model.callCount == 0)
        #expect(handoffs.messages(handoff.id).last?.text == "我还在这里")

        // Another crisis message still gets the crisis reply at once, without a second holding message.
        let again = await send(p, "CRISIS again")
        #expect(again.source == .crisis && again.resourceLine == nil)
        // A concern message gets the responder's reply, never the model's answer.
        let concern = await send(p, "CONCERN")
        #expect(concern.source == .concern && concern.body == KeywordSafety.concernResponse.body)
        #expect(model.callCount == 0)
        #expect(handoffs.all.count == 1)
    }

    @Test func askingForAPersonOpensAHandoff() async throws {
        let model = ScriptedModel()
        let p = pipeline(model: model)
        let reply = await send(p, "转人工")
        #expect(reply.body == HandoffText.holding(.zh) && reply.deliver)
        #expect(handoffs.all.first?.reason == .request)
        let twice = await send(p, "/human")
        #expect(!twice.deliver && twice.source == .handoff)
        #expect(model.callCount == 0 && handoffs.all.count == 1)
        let english = await send(p, "talk to a human", user: "bob")
        #expect(english.body.contains("counsellor"))
    }

    @Test func withoutACounsellorReplyTheBotSaysSoAndAnswersAgain() async throws {
        let model = ScriptedModel()
        let p = pipeline(model: model)
        _ = await send(p, "CRISIS")
        clock.advance(599)
        #expect(await send(p, "有人吗").source == .handoff)
        clock.advance(2)
        let resumed = await send(p, "还是没人")
        #expect(resumed.source == .model && resumed.body.hasPrefix(HandoffText.timedOut(.zh)) && resumed.body.hasSuffix("回答：还是没人"))
        let handoff = try #require(handoffs.all.first)
        #expect(handoff.status == .timedOut)
        // Still visible to the counsellor: the bot's answers are recorded too.
        let next = await send(p, "我们聊聊睡眠吧")
        #expect(next.body == "回答：我们聊聊睡眠吧")
        #expect(handoffs.messages(handoff.id).suffix(2).map(\.from) == [.user, .bot])
        #expect(model.callCount == 2)
        // A new crisis opens it again, with the holding message again.
        let crisis = await send(p, "CRISIS")
        #expect(crisis.resourceLine == HandoffText.holding(.en) && handoffs.all.count == 1 && handoffs.all.first?.status == .open)
    }

    @Test func aCounsellorReplyRestartsTheWaitOnlyWhenTheUserWritesAgain() async throws {
        let p = pipeline()
        _ = await send(p, "转人工")
        var handoff = try #require(handoffs.all.first)
        clock.advance(300)
        handoff.waitingSince = nil  // what the desk does when a counsellor writes
        handoff.firstCounsellorReplyAt = clock.now
        #expect(try await handoffs.update(handoff, expecting: .open))
        clock.advance(900)
        #expect(await send(p, "谢谢你").source == .handoff)  // the wait starts now
        clock.advance(601)
        #expect(await send(p, "你还在吗").source == .model)
    }

    @Test func crisisHandoffCanBeTurnedOffAndHandoffsAreOffWithoutTheSetting() async {
        let quiet = pipeline(onCrisis: false)
        #expect(await send(quiet, "CRISIS").resourceLine == nil)
        #expect(handoffs.all.isEmpty)
        let model = ScriptedModel()
        let off = pipeline(model: model, enabled: false)
        #expect(await send(off, "转人工").source == .model)
        #expect(handoffs.all.isEmpty)
    }

    @Test func theMiniProgramPageIsHandedOffToo() async {
        // Its page fetches the counsellor's messages (docs/handoff.md, delivery per channel).
        let p = pipeline()
        let reply = await send(p, "CRISIS", channel: .miniprogram)
        #expect(reply.source == .crisis && reply.resourceLine == HandoffText.holding(.en))
        #expect(handoffs.all.count == 1 && handoffs.all.first?.channel == .miniprogram)
    }

    @Test func forgetRemovesHandoffHistory() async {
        let p = pipeline()
        _ = await send(p, "CRISIS")
        _ = await send(p, "CRISIS", user: "bob")
        #expect(handoffs.all.count == 2)
        #expect(await send(p, "/forget").body == ReplyCatalog.text(.forgetDone, .zh))
        #expect(handoffs.all.map(\.chatKey) == ["bob"])
        // Handoffs switched off since: `/forget` still deletes what was kept while they were on.
        _ = await send(pipeline(enabled: false), "/forget", user: "bob")
        #expect(handoffs.all.isEmpty)
    }

    @Test func aFailingHandoffStoreNeverSilencesTheUser() async {
        let model = ScriptedModel()
        let p = pipeline(model: model)
        handoffs.failing.withLock { $0 = true }
        let crisis = await send(p, "CRISIS")
        #expect(crisis.source == .crisis && crisis.resourceLine == nil)
        #expect(await send(p, "你好呀").source == .model)
        let request = await send(p, "转人工")
        #expect(request.source == .failSafe && request.body.contains("12356"))
    }
}
