import ChatCore
import Foundation
import Synchronization
import Testing
@testable import Safety

@Suite struct SafetyLayerTests {
    func layer(
        detector: (any CrisisDetecting)? = nil, configuration: SafetyLayer.Configuration = .init(), alerts: AlertDispatcher? = nil
    ) -> SafetyLayer {
        SafetyLayer(detector: detector ?? TestLexicon.detector, outputChecker: TestLexicon.output, configuration: configuration, alerts: alerts)
    }

    @Test func crisisGetsAComposedReplyWithHotlinesAndADirectQuestion() async throws {
        let verdict = try await layer().assessInput(input("我今晚就去跳楼"))
        guard case .crisis(let reasons, let response) = verdict else {
            Issue.record("expected crisis, got \(verdict)")
            return
        }
        #expect(!reasons.isEmpty)
        for number in ["12356", "400-161-9995", "010-82951332", "962525", "12355", "18111", "1925", "988", "116 123", "110", "120"] {
            #expect(response.body.contains(number), "missing \(number)")
        }
        #expect(response.question != nil && response.body.contains("？"))
        #expect(!response.body.contains("跳楼"), "the method is never repeated")
        guard case .crisis(_, let english) = try await layer().assessInput(input("I want to end my life", language: .en)) else {
            Issue.record("expected crisis")
            return
        }
        #expect(english.body.hasPrefix("Thank you") && english.body.contains("988") && english.body.contains("?"))
    }

    @Test func crisisRepliesFollowTheDetectedConcepts() async throws {
        let detector = ScriptedDetector(table: [
            "a": Detection(tier: .crisis, reasons: ["x"], concepts: [.methodQuestion]),
            "b": Detection(tier: .crisis, reasons: ["intent"]),
        ])
        guard case .crisis(_, let method) = try await layer(detector: detector).assessInput(input("a")) else {
            Issue.record("expected crisis")
            return
        }
        #expect(method == SafetyResponder().crisis([.methodQuestion], language: .zh))
        #expect(method.question == .methodIntent && method.body.contains("你问这个，是在考虑伤害自己吗？"))
        // A detection with rule families only is read through them.
        guard case .crisis(_, let intent) = try await layer(detector: detector).assessInput(input("b")) else {
            Issue.record("expected crisis")
            return
        }
        #expect(intent.concepts == [.suicidalThought] && intent.question == .plan)
    }

    @Test func concernGetsTheSupportiveReply() async throws {
        let detector = ScriptedDetector(table: ["最近很绝望": Detection(tier: .concern, reasons: ["hopelessness"], concepts: [.hopelessness])])
        let verdict = try await layer(detector: detector).assessInput(input("最近很绝望"))
        #expect(verdict == .concern(reasons: ["hopelessness"], response: SafetyResponder().concern([.hopelessness], language: .zh)))
        #expect(try await layer(detector: detector).assessInput(input("最近总是失眠")) == .allow)
    }

    @Test func aShortAnswerIsReadOnlyWhileAQuestionIsPending() async throws {
        let safety = layer(detector: ScriptedDetector(table: [:]))
        var answer = input("嗯")
        #expect(try await safety.assessInput(answer) == .allow)
        answer.pendingQuestion = PendingSafetyQuestion(question: .suicidalThoughts, askedAt: answer.now, turnsLeft: 2)
        guard case .crisis(let reasons, let yes) = try await safety.assessInput(answer) else {
            Issue.record("a yes escalates")
            return
        }
        #expect(reasons == ["answer.yes.suicidal_thoughts"] && yes.answered == .yes && yes.question == .plan)
        answer.text = "没有"
        guard case .concern(_, let no) = try await safety.assessInput(answer) else {
            Issue.record("a no is calm")
            return
        }
        #expect(no.answered == .no && no.question == nil)
        #expect(safety.counters["answer.yes"] == 1 && safety.counters["answer.no"] == 1)
    }

    @Test func aRepeatedYesIsNeverRefusedAsSpam() async throws {
        let safety = layer(detector: ScriptedDetector(table: [:]), configuration: .init(maxRepeats: 1))
        var answer = input("嗯")
        answer.pendingQuestion = PendingSafetyQuestion(question: .screening, askedAt: answer.now, turnsLeft: 2)
        for _ in 0..<3 {
            guard case .crisis = try await safety.assessInput(answer) else {
                Issue.record("a yes to a safety question is always heard")
                return
            }
        }
    }

    @Test func rateLimitGivesAKindReplyButNeverHidesACrisis() async throws {
        let safety = layer(configuration: .init(rateLimits: .init(perMinute: 2, perDay: 100)))
        let now = Date()
        _ = try await safety.assessInput(input("你好", at: now))
        _ = try await safety.assessInput(input("在吗", at: now))
        let limited = try await safety.assessInput(input("还在吗", at: now))
        guard case .blocked(let reason, let reply) = limited else {
            Issue.record("expected a rate-limit reply")
            return
        }
        #expect(reason == "rate_limit" && reply.contains("12356"))
        guard case .crisis = try await safety.assessInput(input("我想自杀", at: now)) else {
            Issue.record("a crisis must be answered even when rate limited")
            return
        }
        #expect(safety.counters["blocked.rate_limit"] == 1)
    }

    @Test func abuseAndSpamAreRefusedPolitely() async throws {
        let safety = layer()
        guard case .blocked("abuse", let reply) = try await safety.assessInput(input("你这个傻逼机器人")) else {
            Issue.record("expected abuse refusal")
            return
        }
        #expect(!reply.contains("傻逼"))
        guard case .blocked("spam", _) = try await safety.assessInput(input("兼职刷单日赚500，加微信")) else {
            Issue.record("expected spam refusal")
            return
        }
    }

    @Test func detectorFailureThrowsSoThePipelineFailsSafe() async throws {
        let model = CountingModel()
        let pipeline = ConversationPipeline(sessions: MemorySessions(), model: model, safety: layer(detector: BrokenDetector()))
        let message = InboundMessage(channel: .local, userKey: "local:a", chatKey: "a", platformMessageID: "1", text: "你好", receivedAt: Date())
        let reply = await pipeline.handle(message, userHash: UserHash("h"))
        #expect(reply.source == .failSafe && reply.body.contains("12356"))
        #expect(model.callCount == 0)
    }

    @Test func unreadableBlocklistFailsSafeButCrisisStillAnswered() async throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("missing-\(UUID().uuidString).txt").path
        let safety = layer(configuration: .init(blocklistPath: missing))
        await #expect(throws: BlocklistError.self) { try await safety.assessInput(input("你好")) }
        guard case .crisis = try await safety.assessInput(input("我想自杀")) else {
            Issue.record("crisis must not depend on the blocklist")
            return
        }
        #expect(throws: BlocklistError.self) { try SafetyLayer.live(configuration: .init(blocklistPath: missing)) }
    }

    @Test func unsafeOutputIsReplacedAndCounted() async throws {
        let safety = layer()
        let verdict = try await safety.checkOutput("我会一直陪着你", for: input("陪我聊聊"))
        #expect(verdict == .replace(reason: "promise", reply: SafetyReplies.outputReplacement(.zh)))
        #expect(safety.counters["output.replaced.promise"] == 1)
        #expect(try await safety.checkOutput("可以先试试深呼吸。", for: input("紧张")) == .pass)
    }

    @Test func longMessageWithBuriedRiskStillGetsTheCrisisReply() async {
        let model = CountingModel()
        let pipeline = ConversationPipeline(configuration: PipelineConfiguration(maxInputCharacters: 50), sessions: MemorySessions(), model: model, safety: layer())
        let text = String(repeating: "今天很忙。", count: 30) + "我已经写好遗书了。" + String(repeating: "路上堵车。", count: 30)
        let message = InboundMessage(channel: .local, userKey: "local:a", chatKey: "a", platformMessageID: "1", text: text, receivedAt: Date())
        let reply = await pipeline.handle(message, userHash: UserHash("h"))
        #expect(reply.source == .crisis)
        let plain = InboundMessage(channel: .local, userKey: "local:b", chatKey: "b", platformMessageID: "2", text: String(repeating: "很忙。", count: 30), receivedAt: Date())
        #expect(await pipeline.handle(plain, userHash: UserHash("h2")).body == ReplyCatalog.text(.tooLong(limit: 50), .zh))
        #expect(model.callCount == 0)
    }

    @Test func alertCarriesNoTextAndIsThrottled() async throws {
        let sink = RecordingSink()
        let dispatcher = AlertDispatcher(sink: sink, minInterval: 1800)
        let safety = layer(alerts: dispatcher)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let event = CrisisEvent(userHash: UserHash("abcdef0123456789"), channel: .telegram, tier: .crisis, reasons: ["intent"], at: now)
        await safety.crisisRaised(event)
        await safety.crisisRaised(event)  // same user within the interval: not sent again
        dispatcher.finish()
        await dispatcher.run()
        let alerts = sink.alerts.withLock { $0 }
        #expect(alerts.count == 1)
        let alert = try #require(alerts.first)
        #expect(alert.user == "abcdef0123456789" && alert.channel == "telegram" && alert.tier == "crisis" && alert.reasons == ["intent"])
        let json = String(decoding: try JSONEncoder().encode(alert), as: UTF8.self)
        let keys = (try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] ?? [:]).keys.sorted()
        #expect(keys == ["at", "channel", "event", "reasons", "tier", "user"])
    }

    /// A sink that never answers must not hold up crisis replies: raising more crises than the
    /// alert buffer holds returns every time (the extra alerts are dropped, not waited for). If
    /// `crisisRaised` ever waited on the sink, the time limit fails the test instead of hanging it.
    @Test(.timeLimit(.minutes(1))) func alertsNeverHoldUpTheReply() async throws {
        let sink = RecordingSink(hang: true)
        let dispatcher = AlertDispatcher(sink: sink, minInterval: 0, bufferSize: 2)
        let safety = layer(alerts: dispatcher)
        let raised = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await dispatcher.run() }
            var raised = 0
            for index in 0..<5 {
                await safety.crisisRaised(CrisisEvent(userHash: UserHash("u\(index)"), channel: .local, tier: .crisis, reasons: [], at: Date()))
                raised += 1
            }
            group.cancelAll()
            return raised
        }
        #expect(raised == 5)
        #expect(sink.alerts.withLock { $0.isEmpty }, "the hung sink delivered nothing")
        #expect(dispatcher.sent == 0)
    }
}
