import AsyncHTTPClient
import ChatCore
import Foundation
import HTTPTypes
import HeartlineServer
import HummingbirdTesting
import ModelBackends
import Safety
import Testing
import TelegramAdapter
import TelegramBotAPIFake

/// Streamed answers through the whole server: a remote model streaming over SSE, the real safety
/// layer, and the fake Bot API checking `sendMessageDraft`'s wire format.
@Suite struct TelegramStreamingTests {
    static let unsafe = "你这是典型的抑郁症。"

    func withServer(
        _ answers: [[String]], pause: Duration = .milliseconds(300), configure: @Sendable (inout HeartlineSettings) -> Void = { _ in },
        _ body: @Sendable (any TestClientProtocol, TelegramBotAPIFake, FakeStreamingOpenAI) async throws -> Void
    ) async throws {
        let harness = TelegramServerHarness()
        defer { harness.removeData() }
        let telegram = TelegramBotAPIFake()
        let openAI = FakeStreamingOpenAI(pause: pause)
        openAI.script(answers)
        let safety = SafetyLayer(detector: try CrisisDetector.bundled(), outputChecker: try OutputChecker.bundled())
        try await openAI.run { modelURL in
            try await telegram.run { baseURL in
                var settings = TelegramServerHarness.settings(baseURL: baseURL, dataDirectory: harness.dataDirectory)
                settings.pipeline.streamReplies = true
                configure(&settings)
                let remote = OpenAICompletionModel(
                    client: OpenAIClient(httpClient: .shared, configuration: OpenAIConfiguration(baseURL: modelURL, model: "qwen2.5-7b-instruct", chat: true)),
                    format: .standard
                )
                let model = FallbackChain(primary: remote, secondary: try ModelFactory.retrieval(settings: settings))
                try await harness.run(settings: settings, model: model, safety: safety) { client, _ in
                    try await body(client, telegram, openAI)
                }
            }
        }
    }

    @Test func privateChatsSeeCheckedDraftsThenTheMessage() async throws {
        try await withServer([["先试试固定", "起床时间。", "睡前一小时", "少看手机。"]]) { client, telegram, _ in
            let update = TelegramFixtures.privateText(updateID: 9001, user: 5_123_456_789, text: "最近总是失眠怎么办")
            let status = try await client.postUpdate(update).status
            #expect(status == .ok)
            let sent = await telegram.waitFor("sendMessage")
            let final = try #require(sent.first?.text)
            #expect(final.contains("先试试固定起床时间。睡前一小时少看手机。"))
            let drafts = telegram.calls("sendMessageDraft")
            #expect(!drafts.isEmpty)
            for draft in drafts {
                #expect(draft.status == 200)
                #expect(draft.chatID == 5_123_456_789)
                #expect((draft.json["draft_id"] as? Int64 ?? 0) != 0)
                // Only whole, checked sentences: each draft is a sentence-aligned prefix of the answer.
                let text = try #require(draft.text)
                #expect(final.hasPrefix(text) && text.hasSuffix("。"))
            }
            #expect(drafts.first?.text == "先试试固定起床时间。")
            // Every draft and the message go out in order: drafts first.
            #expect(try #require(drafts.last?.at) < (sent.first?.at ?? .now))
        }
    }

    @Test func anUnsafeSentenceNeverReachesTelegramAndTheSafeReplyReplacesTheDraft() async throws {
        try await withServer([["第一句很安全，", "慢慢来。", Self.unsafe, "第三句。"]]) { client, telegram, _ in
            let update = TelegramFixtures.privateText(updateID: 9002, user: 5_123_456_780, text: "最近总是失眠怎么办")
            let status = try await client.postUpdate(update).status
            #expect(status == .ok)
            let sent = await telegram.waitFor("sendMessage")
            let final = try #require(sent.first?.text)
            let everything = telegram.calls().compactMap(\.text)
            #expect(everything.allSatisfy { !$0.contains("抑郁症") && !$0.contains("第三句") })
            #expect(telegram.calls("sendMessageDraft").compactMap(\.text) == ["第一句很安全，慢慢来。"])
            #expect(!final.contains("第一句很安全"))
        }
    }

    @Test func aCrisisMessageNeverReachesTheModelWithStreamingOn() async throws {
        try await withServer([["不该出现。"]]) { client, telegram, openAI in
            let update = TelegramFixtures.privateText(updateID: 9003, user: 5_123_456_781, text: "我不想活了")
            let status = try await client.postUpdate(update).status
            #expect(status == .ok)
            let sent = await telegram.waitFor("sendMessage")
            #expect(sent.first?.text?.contains("12356") == true)
            #expect(openAI.requestCount == 0)
            #expect(telegram.count("sendMessageDraft") == 0)
        }
    }

    @Test func groupsKeepThePlainPath() async throws {
        try await withServer([["先深呼吸。", "再把要复习的分成小块。"]], configure: { $0.telegram.privacyMode = false; $0.telegram.username = "example_helper_bot" }) { client, telegram, _ in
            let status = try await client.postUpdate(try TelegramFixtures.bytes("group-mention")).status
            #expect(status == .ok)
            let sent = await telegram.waitFor("sendMessage")
            #expect(sent.first?.chatID == -1_001_987_654_321)
            #expect(telegram.count("sendMessageDraft") == 0)
        }
    }
}
