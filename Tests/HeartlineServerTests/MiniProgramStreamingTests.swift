import AsyncHTTPClient
import ChatCore
import Foundation
import HeartlineServer
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import Safety
import Synchronization
import Testing
import WeChatTestSupport

/// A model that streams sentences `pause` apart (each draft the whole answer so far).
struct PacedStreamingModel: StreamingCompletionModel {
    let name = "paced"
    let sentences: [String]
    let pause: Duration
    var streams: Bool { true }

    /// Unstreamed, the same slow model: the whole answer after all the pauses.
    func complete(_ request: CompletionRequest) async throws -> Completion {
        try await Task.sleep(for: pause * sentences.count)
        return Completion(text: sentences.joined(), model: name, origin: .primary)
    }

    func stream(_ request: CompletionRequest, onDraft: @escaping @Sendable (String) async throws -> Void) async throws -> Completion {
        var text = ""
        for sentence in sentences {
            try await Task.sleep(for: pause)
            text += sentence
            try await onDraft(text)
        }
        return Completion(text: text, model: name, origin: .primary)
    }
}

/// `POST /wechat/miniprogram/ask/stream` read by a real HTTP client on loopback, chunk by chunk.
@Suite struct MiniProgramStreamingTests {
    typealias H = WeChatServerHarness

    struct Line: Decodable {
        var type: String
        var text: String?
        var reply: WeChatMiniProgramServerTests.Answer?
        var code: String?
    }

    /// Posts to the chunked endpoint; returns each line with the time it arrived.
    static func askStream(port: Int, token: String, question: String) async throws -> (status: Int, lines: [(Line, ContinuousClock.Instant)], raw: [UInt8]) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/wechat/miniprogram/ask/stream")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Authorization", value: "Bearer " + token)
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: ["question": question])))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(20))
        var pending: [UInt8] = []
        var raw: [UInt8] = []
        var lines: [(Line, ContinuousClock.Instant)] = []
        for try await chunk in response.body {
            raw += chunk.readableBytesView
            pending += chunk.readableBytesView
            while let end = pending.firstIndex(of: 10) {
                lines.append((try JSONDecoder().decode(Line.self, from: Data(pending[..<end])), .now))
                pending.removeSubrange(...end)
            }
        }
        #expect(pending.isEmpty)
        return (Int(response.status.code), lines, raw)
    }

    func run(_ sentences: [String], pause: Duration = .milliseconds(400), _ body: @Sendable (Int, String) async throws -> Void) async throws {
        let safety = SafetyLayer(detector: try CrisisDetector.bundled(), outputChecker: try OutputChecker.bundled())
        let h = try H(safety: safety, otherModel: PacedStreamingModel(sentences: sentences, pause: pause))
        try await h.run(configure: { $0.pipeline.streamReplies = true }) { client async throws in
            let (_, token) = try await WeChatMiniProgramServerTests.login(client, code: "wxcode-stream")
            try await body(try #require(client.port), token)
        }
    }

    @Test func checkedSentencesArriveAsTheyPassThenTheFinalReply() async throws {
        try await run(["先试试固定起床时间。", "睡前一小时少看手机。", "白天晒晒太阳。"]) { port, token in
            let (status, lines, raw) = try await Self.askStream(port: port, token: token, question: "最近总是失眠怎么办")
            #expect(status == 200)
            #expect(raw.allSatisfy { $0 < 0x80 })  // ASCII only: no character cut across chunks
            let deltas = lines.filter { $0.0.type == "delta" }
            #expect(deltas.map { $0.0.text ?? "" }.joined() == "先试试固定起床时间。睡前一小时少看手机。白天晒晒太阳。")
            #expect(deltas.count >= 2)
            let final = try #require(lines.last)
            #expect(final.0.type == "final")
            #expect(final.0.reply?.answer == "先试试固定起床时间。睡前一小时少看手机。白天晒晒太阳。")
            #expect(final.0.reply?.tier == "none")
            #expect(final.0.reply?.source == "model")
            // Streamed, not buffered: the first sentence came well before the answer was done.
            if let first = deltas.first { #expect(final.1 - first.1 >= .milliseconds(500)) }
        }
    }

    @Test func anUnsafeSentenceIsNeverSentAndTheFinalReplyReplacesTheDraft() async throws {
        try await run(["第一句很安全，慢慢来。", "你这是典型的抑郁症。", "第三句。"]) { port, token in
            let (_, lines, raw) = try await Self.askStream(port: port, token: token, question: "最近总是失眠怎么办")
            let text = String(decoding: raw, as: UTF8.self)
            // The unsafe sentence appears in no form, escaped or not.
            #expect(!text.contains("\\u6291\\u90c1") && !text.contains("抑郁"))
            #expect(lines.filter { $0.0.type == "delta" }.map { $0.0.text } == ["第一句很安全，慢慢来。"])
            let final = try #require(lines.last?.0)
            #expect(final.type == "final")
            #expect(final.reply?.source == "outputReplaced")
            #expect(final.reply?.answer.contains("第一句很安全") == false)
        }
    }

    @Test func aCrisisQuestionGetsOnlyTheSafetyReply() async throws {
        try await run(["不该出现。"]) { port, token in
            let (_, lines, _) = try await Self.askStream(port: port, token: token, question: "我不想活了")
            #expect(lines.count == 1)
            #expect(lines.first?.0.reply?.tier == "crisis")
            #expect(lines.first?.0.reply?.answer.contains("不该出现") == false)
        }
    }

    /// Customer service cannot show drafts, so the answer is read whole (no drafts to check
    /// early): the typing status while the model works, then the checked answer.
    @Test func customerServiceShowsTypingWhileTheModelWorksThenTheCheckedAnswer() async throws {
        let safety = SafetyLayer(detector: try CrisisDetector.bundled(), outputChecker: try OutputChecker.bundled())
        let model = PacedStreamingModel(sentences: ["第一句很安全，慢慢来。", "再想一想。", "你这是典型的抑郁症。"], pause: .milliseconds(700))
        let h = try H(safety: safety, otherModel: model)
        try await h.run(configure: { $0.pipeline.streamReplies = true }) { client async throws in
            try await H.post(client, try h.textPush("最近总是失眠怎么办", msgID: 7001))
            try await H.eventually("the typing status while the model works") { !h.fake.typing.isEmpty }
            #expect(h.fake.sent.isEmpty)
            try await H.eventually("the answer") { h.fake.sent.count == 1 }
            #expect(h.fake.typing.first == "oUserAlice")
            let paths = h.fake.requests.map(\.path)
            let typing = try #require(paths.firstIndex { $0.hasSuffix("/custom/typing") })
            let send = try #require(paths.firstIndex { $0.hasSuffix("/custom/send") })
            #expect(typing < send)
            // Customer service has no drafts: one message, the checked answer (here the safe reply).
            let sent = try #require(h.fake.sent.first).content
            #expect(!sent.contains("抑郁症") && !sent.contains("第一句很安全"))
            #expect(h.fake.sent.count == 1)
        }
    }

    @Test func errorsBeforeTheAnswerAreAsksJSONErrors() async throws {
        try await run(["好。"]) { port, _ in
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/wechat/miniprogram/ask/stream")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: #"{"question":"你好"}"#))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
            #expect(response.status == .unauthorized)
            let body = try await response.body.collect(upTo: 1 << 16)
            #expect(String(buffer: body).contains("invalid_session"))
        }
    }
}
