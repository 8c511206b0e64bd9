import ChatCore
import Foundation
import Synchronization
import Testing
@testable import Safety

/// A moderation service's answers, scripted per text (the remote service itself is faked on
/// loopback in HeartlineServerTests; here the combining rules are tested alone).
final class ScriptedModerator: ContentModerator, Sendable {
    enum Answer: Sendable {
        case result(ModerationResult)
        case failure
        /// Sleeps this long (honouring cancellation), then answers clear.
        case slow(Duration)
    }

    struct Failure: Error {}

    let name = "scripted"
    let answers: [String: Answer]
    let calls = Mutex<[String]>([])

    init(_ answers: [String: Answer]) { self.answers = answers }

    var callCount: Int { calls.withLock { $0.count } }

    func moderate(_ text: String, deadline: ContinuousClock.Instant) async throws -> ModerationResult {
        calls.withLock { $0.append(text) }
        switch answers[text] ?? .result(ModerationResult()) {
        case .result(let result): return result
        case .failure: throw Failure()
        case .slow(let wait):
            try await Task.sleep(for: wait)
            return ModerationResult()
        }
    }
}

@Suite struct ModeratedSafetyFilterTests {
    static let intent = ModerationResult(selfHarm: true, selfHarmIntent: true)
    static let instructions = ModerationResult(selfHarm: true, selfHarmInstructions: true)
    static let selfHarmOnly = ModerationResult(selfHarm: true)

    func filter(_ moderator: ScriptedModerator, budget: Duration = .seconds(2), detector: (any CrisisDetecting)? = nil) -> ModeratedSafetyFilter {
        let base = SafetyLayer(detector: detector ?? TestLexicon.detector, outputChecker: TestLexicon.output)
        return ModeratedSafetyFilter(base: base, moderator: moderator, budget: budget, counters: base.counters)
    }

    @Test func intentOrInstructionsRaiseToCrisisAndSelfHarmAloneToConcern() async throws {
        let moderator = ScriptedModerator([
            "missed intent": .result(Self.intent), "missed instructions": .result(Self.instructions), "news": .result(Self.selfHarmOnly),
        ])
        let f = filter(moderator)
        guard case .crisis(let reasons, let response) = try await f.assessInput(input("missed intent", language: .en)) else {
            Issue.record("intent should raise to crisis")
            return
        }
        #expect(reasons == ["moderation.self-harm", "moderation.self-harm/intent"])
        #expect(response.body.contains("988") && response.concepts == [.suicidalThought])
        guard case .crisis(_, let method) = try await f.assessInput(input("missed instructions", language: .en)) else {
            Issue.record("instructions should raise to crisis")
            return
        }
        #expect(method.concepts == [.methodQuestion])
        guard case .concern(let why, let concern) = try await f.assessInput(input("news", language: .en)) else {
            Issue.record("self-harm alone should raise to concern")
            return
        }
        #expect(why == ["moderation.self-harm"] && concern.resourceLine != nil)
        #expect(try await f.assessInput(input("how do I sleep better", language: .en)) == .allow)
        #expect(f.counters["moderation.raised.crisis"] == 2 && f.counters["moderation.raised.concern"] == 1)
    }

    @Test func theSecondOpinionNeverLowersTheLocalVerdict() async throws {
        let detector = ScriptedDetector(table: [
            "local crisis": Detection(tier: .crisis, reasons: ["local"], concepts: [.plan]),
            "local concern": Detection(tier: .concern, reasons: ["local"], concepts: [.hopelessness]),
        ])
        let moderator = ScriptedModerator(["local concern": .result(Self.selfHarmOnly)])
        let f = filter(moderator, detector: detector)
        // A local crisis is answered without asking the service (nothing it could raise).
        guard case .crisis(let reasons, _) = try await f.assessInput(input("local crisis")) else {
            Issue.record("the local crisis must stand")
            return
        }
        #expect(reasons == ["local"] && moderator.callCount == 0)
        // A clear answer leaves a local concern a concern; self-harm alone does not change it either.
        guard case .concern(let kept, _) = try await f.assessInput(input("local concern")) else {
            Issue.record("the local concern must stand")
            return
        }
        #expect(kept == ["local"])
        // A refusal (abuse) flagged with intent becomes a crisis: crisis wins over every refusal.
        let abusive = filter(ScriptedModerator(["你这个傻逼机器人": .result(Self.intent), "滚吧你这个傻逼机器人": .result(Self.selfHarmOnly)]))
        guard case .crisis = try await abusive.assessInput(input("你这个傻逼机器人")) else {
            Issue.record("intent on a refused message should raise to crisis")
            return
        }
        // Self-harm alone does not lift a refusal (only a crisis wins over one, as in the local layer).
        guard case .blocked("abuse", _) = try await abusive.assessInput(input("滚吧你这个傻逼机器人")) else {
            Issue.record("self-harm alone must leave a refusal as it is")
            return
        }
    }

    @Test func inputGoesOnWithTheLocalVerdictWhenTheServiceFailsOrIsLate() async throws {
        let moderator = ScriptedModerator(["broken": .failure, "late": .slow(.seconds(120))])
        let f = filter(moderator, budget: .milliseconds(300))
        #expect(try await f.assessInput(input("broken", language: .en)) == .allow)
        let started = ContinuousClock.now
        #expect(try await f.assessInput(input("late", language: .en)) == .allow)
        let waited = ContinuousClock.now - started
        // Within the budget plus generous scheduling slack (two cores shared with CPU-heavy tests),
        // never the service's 120 s.
        #expect(waited < .seconds(30), "waited \(waited)")
        #expect(f.counters["moderation.input.error"] == 1 && f.counters["moderation.input.timeout"] == 1)
        // The local detector still decides on its own.
        guard case .crisis = try await f.assessInput(input("我今晚就去跳楼")) else {
            Issue.record("the local crisis must stand")
            return
        }
    }

    @Test func remoteModelRepliesAreCheckedAndReplacedWhenFlaggedOrUnchecked() async throws {
        let moderator = ScriptedModerator([
            "flagged reply": .result(Self.instructions), "broken reply": .failure, "late reply": .slow(.seconds(120)),
        ])
        let f = filter(moderator, budget: .milliseconds(300))
        let context = input("q", language: .en)
        #expect(try await f.checkOutput("a calm reply", origin: .primary, for: context) == .pass)
        #expect(try await f.checkOutput("flagged reply", origin: .primary, for: context) == .replace(reason: "moderation", reply: SafetyReplies.outputReplacement(.en)))
        #expect(try await f.checkOutput("broken reply", origin: .primary, for: context) == .replace(reason: "moderation_unavailable", reply: ReplyCatalog.text(.holding, .en)))
        #expect(try await f.checkOutput("late reply", origin: .primary, for: context) == .replace(reason: "moderation_unavailable", reply: ReplyCatalog.text(.holding, .en)))
        // The embedded retrieval model's and the fixed replies are the project's own text: not sent.
        let before = moderator.callCount
        #expect(try await f.checkOutput("flagged reply", origin: .retrieval, for: context) == .pass)
        #expect(try await f.checkOutput("broken reply", origin: .fixed, for: context) == .pass)
        #expect(moderator.callCount == before)
        // The local output check still runs first and wins.
        guard case .replace(let reason, _) = try await f.checkOutput("这个方法保证治好你的焦虑", origin: .primary, for: input("q")) else {
            Issue.record("the local output check must still replace an absolute promise")
            return
        }
        #expect(reason != "moderation")
    }
}
