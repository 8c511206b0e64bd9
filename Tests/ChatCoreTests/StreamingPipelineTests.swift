import Foundation
import Synchronization
import Testing
@testable import ChatCore

/// A model that streams scripted drafts (each the whole answer so far), then answers.
final class StreamingScriptedModel: StreamingCompletionModel, Sendable {
    let name = "streaming"
    let drafts: [String]
    let streams: Bool
    let calls = Mutex(0)
    let draftsSent = Mutex(0)

    init(_ drafts: [String], streams: Bool = true) {
        self.drafts = drafts
        self.streams = streams
    }

    func complete(_ request: CompletionRequest) async throws -> Completion {
        calls.withLock { $0 += 1 }
        return Completion(text: drafts.last ?? "", model: name, origin: .primary)
    }

    func stream(_ request: CompletionRequest, onDraft: @escaping @Sendable (String) async throws -> Void) async throws -> Completion {
        calls.withLock { $0 += 1 }
        for draft in drafts {
            try await Task.sleep(for: .milliseconds(20))  // a model takes time per token
            draftsSent.withLock { $0 += 1 }
            try await onDraft(draft)
        }
        return Completion(text: drafts.last ?? "", model: name, origin: .primary)
    }
}

/// Collects what a channel would show.
final class ShownDrafts: Sendable {
    let shown = Mutex<[String]>([])
    var all: [String] { shown.withLock { $0 } }
    var sink: ReplyDraftSink { { text in self.shown.withLock { $0.append(text) } } }
}

/// Records the pipeline's events.
final class RecordingObserver: PipelineObserver, Sendable {
    let events = Mutex<[PipelineEvent]>([])
    func record(_ event: PipelineEvent) { events.withLock { $0.append(event) } }
    var streamed: [StreamOutcome] {
        events.withLock { $0.compactMap { if case .streamed(_, let outcome) = $0 { outcome } else { nil } } }
    }
}

@Suite struct StreamingPipelineTests {
    let sessions = MemorySessionStore()
    let hasher = PlainHasher()
    let observer = RecordingObserver()

    func pipeline(_ model: any CompletionModel, safety: KeywordSafety = KeywordSafety(), stream: Bool = true) -> ConversationPipeline {
        var configuration = PipelineConfiguration()
        configuration.streamReplies = stream
        return ConversationPipeline(configuration: configuration, sessions: sessions, model: model, safety: safety, observer: observer)
    }

    func send(_ p: ConversationPipeline, _ text: String, drafts: ShownDrafts) async -> Reply {
        let m = message(text)
        return await p.handle(m, userHash: hasher.hash(m.userKey), drafts: drafts.sink)
    }

    @Test func onlyFinishedCheckedSentencesAreShown() async {
        let model = StreamingScriptedModel(["先试", "先试试固定起床", "先试试固定起床时间。睡前", "先试试固定起床时间。睡前少看手机。"])
        let shown = ShownDrafts()
        let reply = await send(pipeline(model), "最近总是失眠", drafts: shown)
        // Drafts are previews shown by a child task, newest first: each one shown is a whole
        // checked sentence prefix, in order (one superseded meanwhile may be skipped).
        let expected = ["先试试固定起床时间。", "先试试固定起床时间。睡前少看手机。"]
        #expect(!shown.all.isEmpty)
        #expect(shown.all.allSatisfy(expected.contains))
        #expect(shown.all == shown.all.sorted { $0.count < $1.count })
        #expect(reply.body == "先试试固定起床时间。睡前少看手机。")
        #expect(reply.source == .model)
        #expect(observer.streamed == [.completed])
    }

    @Test func anUnsafeSentenceIsNeverShownAndTheSafeReplyReplacesTheDraft() async {
        let model = StreamingScriptedModel(["第一句很安全。", "第一句很安全。第二句UNSAFE。", "第一句很安全。第二句UNSAFE。第三句。"])
        let shown = ShownDrafts()
        let reply = await send(pipeline(model), "最近总是失眠", drafts: shown)
        #expect(shown.all.allSatisfy { $0 == "第一句很安全。" })
        #expect(shown.all.allSatisfy { !$0.contains("UNSAFE") })
        #expect(reply.body == "SAFE-REPLACEMENT")
        #expect(reply.source == .outputReplaced)
        // The model was stopped at the failing sentence.
        #expect(model.draftsSent.withLock { $0 } == 2)
        #expect(observer.streamed == [.stopped])
        #expect(sessions.sessions.withLock { $0[hasher.hash("local:alice")]?.turns.last?.answer } == "SAFE-REPLACEMENT")
    }

    @Test func anUnsafeSentenceBeforeAnyEndMarkIsCaughtAtTheEnd() async {
        let model = StreamingScriptedModel(["好的", "好的UNSAFE"])
        let shown = ShownDrafts()
        let reply = await send(pipeline(model), "最近总是失眠", drafts: shown)
        #expect(shown.all.isEmpty)
        #expect(reply.body == "SAFE-REPLACEMENT")
    }

    @Test func aCrisisMessageNeverReachesTheModelWithStreamingOn() async {
        let model = StreamingScriptedModel(["不该出现。"])
        let shown = ShownDrafts()
        let reply = await send(pipeline(model), "CRISIS 我不想活了", drafts: shown)
        #expect(reply.source == .crisis)
        #expect(model.calls.withLock { $0 } == 0)
        #expect(shown.all.isEmpty)
    }

    @Test func concernRepliesDoNotStream() async {
        let model = StreamingScriptedModel(["一个回答。"])
        let shown = ShownDrafts()
        let reply = await send(pipeline(model), "CONCERN 好累", drafts: shown)
        #expect(reply.tier == .concern)
        #expect(shown.all.isEmpty)
    }

    @Test func offByDefaultAndForModelsThatDoNotStream() async {
        let shown = ShownDrafts()
        let off = await send(pipeline(StreamingScriptedModel(["一句。"]), stream: false), "你好", drafts: shown)
        #expect(off.body == "一句。")
        let embedded = await send(pipeline(StreamingScriptedModel(["一句。"], streams: false)), "你好", drafts: shown)
        #expect(embedded.body == "一句。")
        let plain = await send(pipeline(ScriptedModel()), "你好", drafts: shown)
        #expect(plain.body == "回答：你好")
        #expect(shown.all.isEmpty)
        #expect(observer.streamed.isEmpty)
    }

    @Test func aFailingOutputCheckWhileStreamingFailsSafe() async {
        let shown = ShownDrafts()
        let reply = await send(pipeline(StreamingScriptedModel(["一句。"]), safety: KeywordSafety(throwOnOutput: true)), "你好", drafts: shown)
        #expect(reply.source == .failSafe)
        #expect(shown.all.isEmpty)
        #expect(observer.streamed == [.failSafe])
    }

    @Test(arguments: [
        ("你好。我在", "你好。"),
        ("你好！“真的吗？”后面", "你好！“真的吗？”"),
        ("It is 3.5 hours. Then", "It is 3.5 hours."),
        ("e.g. this", "e.g."),
        ("第一行\n第二行", "第一行\n"),
        ("没有结束……", ""),
        ("Really?! Yes", "Really?!"),
        ("尾巴.", ""),
    ])
    func sentenceEnds(_ text: String, _ finished: String) {
        #expect(SentenceSplitter.finishedPrefix(of: text) == finished[...])
    }

    @Test func draftBoardHandsDraftsToTheListenerThenEnds() async {
        let board = ReplyDraftBoard()
        #expect(board.sink(for: "e1") == nil)
        let drafts = board.listen("e1")
        let sink = board.sink(for: "e1")
        await sink?("一。")
        board.finish("e1")
        var seen: [String] = []
        for await draft in drafts { seen.append(draft) }
        #expect(seen == ["一。"])
        #expect(board.sink(for: "e1") == nil)
    }
}
