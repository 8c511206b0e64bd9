import Foundation
import Synchronization
import Testing
@testable import ChatCore

@Suite struct PipelineTests {
    let sessions = MemorySessionStore()
    let inbox = MemoryInbox()
    let hasher = PlainHasher()

    func pipeline(model: ScriptedModel = ScriptedModel(), safety: KeywordSafety = KeywordSafety(), maxInput: Int = 2000) -> ConversationPipeline {
        ConversationPipeline(
            configuration: PipelineConfiguration(maxInputCharacters: maxInput),
            sessions: sessions, inbox: inbox, model: model, safety: safety
        )
    }

    func send(_ p: ConversationPipeline, _ text: String, user: String = "alice", lang: String? = nil) async -> Reply {
        let m = message(text, user: user, lang: lang)
        return await p.handle(m, userHash: hasher.hash(m.userKey))
    }

    @Test func firstReplyCarriesDisclaimerAndLaterRepliesDoNot() async {
        let p = pipeline()
        let first = await send(p, "我最近总是失眠")
        #expect(first.body == "回答：我最近总是失眠")
        #expect(first.disclaimer == ReplyCatalog.text(.disclaimer, .zh))
        #expect(first.source == .model)
        let second = await send(p, "还是睡不着")
        #expect(second.disclaimer == nil)
        #expect(sessions.sessions.withLock { $0[hasher.hash("local:alice")]?.turns.count } == 2)
    }

    @Test func historyIsPassedToTheModel() async {
        let model = ScriptedModel()
        let p = pipeline(model: model)
        _ = await send(p, "第一个问题")
        _ = await send(p, "第二个问题")
        let last = model.calls.withLock { $0.last }
        #expect(last?.history.map(\.question) == ["第一个问题"])
        #expect(last?.prompt == PromptFormat.standard.prompt(question: "第二个问题", history: last?.history ?? []))
        #expect(last?.userHash == hasher.hash("local:alice"))
    }

    @Test func commands() async {
        let model = ScriptedModel()
        let p = pipeline(model: model)
        let start = await send(p, "/start")
        #expect(start.body == ReplyCatalog.text(.welcome, .zh))
        #expect(start.disclaimer != nil)
        #expect(await send(p, "/help").body == ReplyCatalog.text(.help, .zh))
        _ = await send(p, "一个问题")
        #expect(await send(p, "/reset").body == ReplyCatalog.text(.resetDone, .zh))
        #expect(sessions.sessions.withLock { $0[hasher.hash("local:alice")]?.turns.isEmpty } == true)
        #expect(await send(p, "/forget").body == ReplyCatalog.text(.forgetDone, .zh))
        #expect(sessions.sessions.withLock { $0[hasher.hash("local:alice")] } == nil)
        #expect(inbox.purged.withLock { $0 } == [hasher.hash("local:alice")])
        #expect(await send(p, "/nonsense").body == ReplyCatalog.text(.unknownCommand, .zh))
        #expect(model.callCount == 1)
    }

    @Test func englishTagGivesEnglishFixedReplies() async {
        let p = pipeline()
        #expect(await send(p, "/help", lang: "en").body == ReplyCatalog.text(.help, .en))
        #expect(await send(p, "   ", lang: "en-GB").body == ReplyCatalog.text(.emptyInput, .en))
    }

    @Test func inputChecks() async {
        let model = ScriptedModel()
        let p = pipeline(model: model, maxInput: 10)
        #expect(await send(p, "  \n ").body == ReplyCatalog.text(.emptyInput, .zh))
        #expect(await send(p, String(repeating: "长", count: 11)).body == ReplyCatalog.text(.tooLong(limit: 10), .zh))
        #expect(await send(p, String(repeating: "长", count: 10)).source == .model)
        #expect(model.callCount == 1)
    }

    @Test func unsupportedAndEditedMessagesGetFixedReplies() async {
        let model = ScriptedModel()
        let p = pipeline(model: model)
        let photo = await p.handle(message("", kind: .unsupported("photo")), userHash: hasher.hash("local:alice"))
        #expect(photo.body == ReplyCatalog.text(.textOnly, .zh))
        let edited = await p.handle(message("改过的", kind: .edited), userHash: hasher.hash("local:alice"))
        #expect(edited.body == ReplyCatalog.text(.editedIgnored, .zh))
        #expect(model.callCount == 0)
    }

    @Test func greetingIsSentOncePerSession() async {
        let p = pipeline()
        let hash = hasher.hash("local:alice")
        let first = await p.handle(message("", kind: .greeting), userHash: hash)
        #expect(first.deliver && first.disclaimer != nil)
        let second = await p.handle(message("", kind: .greeting), userHash: hash)
        #expect(!second.deliver)
    }

    @Test func crisisSkipsTheModelAndEntersCrisisMode() async {
        let model = ScriptedModel()
        let p = pipeline(model: model)
        let crisis = await send(p, "CRISIS")
        #expect(crisis.tier == .crisis && crisis.source == .crisis && crisis.body == "CRISIS-REPLY 12356")
        #expect(model.callCount == 0)
        let later = await send(p, "后来的问题")
        #expect(later.resourceLine == "CRISIS-MODE-LINE")
        _ = await send(p, "/reset")
        #expect(await send(p, "再后来").resourceLine == nil)
    }

    @Test func concernGetsTheSupportiveReplyAndBlockedRefuses() async {
        let model = ScriptedModel()
        let p = pipeline(model: model)
        let concern = await send(p, "CONCERN")
        // The scripted model gives no on-topic confidence: its answer is not used.
        #expect(concern.tier == .concern && concern.source == .concern)
        #expect(concern.body == "CONCERN-REPLY" && concern.resourceLine == "RESOURCE-LINE")
        #expect(!concern.text.contains("回答："))
        let blocked = await send(p, "BLOCK")
        #expect(blocked.body == "BLOCKED-REPLY" && blocked.source == .blocked)
        #expect(model.callCount == 1)
    }

    @Test func unsafeModelOutputIsReplaced() async {
        let model = ScriptedModel { _ in Completion(text: "UNSAFE text", model: "m", origin: .primary) }
        let reply = await send(pipeline(model: model), "问题")
        #expect(reply.body == "SAFE-REPLACEMENT" && reply.source == .outputReplaced)
    }

    @Test func failingSafetyFailsSafe() async {
        let model = ScriptedModel()
        let input = await send(pipeline(model: model, safety: KeywordSafety(throwOnInput: true)), "问题")
        #expect(input.source == .failSafe && input.body.contains("12356"))
        #expect(model.callCount == 0)
        let output = await send(pipeline(model: model, safety: KeywordSafety(throwOnOutput: true)), "问题")
        #expect(output.source == .failSafe && !output.body.contains("回答"))
    }

    @Test func failingModelGivesCalmFallback() async {
        let model = ScriptedModel { _ in throw ModelError.server(status: 500) }
        let reply = await send(pipeline(model: model), "问题")
        #expect(reply.source == .fallback && reply.body == ReplyCatalog.text(.fallback, .zh))
        let empty = ScriptedModel { _ in Completion(text: "  ", model: "m", origin: .primary) }
        #expect(await send(pipeline(model: empty), "问题").source == .fallback)
    }

    @Test func failingStoreStillAnswers() async {
        sessions.failing.withLock { $0 = true }
        let reply = await send(pipeline(), "问题")
        #expect(reply.body == "回答：问题")
        #expect(reply.resourceLine?.contains(ReplyCatalog.text(.storageTrouble, .zh)) == true)
    }

    @Test func expiredSessionStartsFresh() async {
        let hash = hasher.hash("local:alice")
        var old = Session(now: Date().addingTimeInterval(-48 * 3600))
        old.turns = [Turn(question: "旧", answer: "旧答", at: old.createdAt)]
        old.disclaimerShown = true
        sessions.sessions.withLock { $0[hash] = old }
        let model = ScriptedModel()
        let reply = await send(pipeline(model: model), "新问题")
        #expect(model.calls.withLock { $0.first?.history.isEmpty } == true)
        #expect(reply.disclaimer != nil)
    }
}
