import ChatCore
import Foundation
import HeartlineTestSupport
import Safety
import Simulator
import Testing

@Suite struct ConversationScriptTests {
    @Test func parsesDefaultsConversationsAndExpectations() throws {
        let script = try ConversationScript.parse("""
        platform: wechat
        user: bob
        steps:
          - 你好
          - send: 晚上睡不着
            format: xml
            deliveries: 3
            expect: {replied: true, tier: none, contains: [睡, 觉], max_latency_ms: 5000, exactly_one_reply: true}
          - redeliver: true
            expect: {replied: false}
        conversations:
          - name: mini
            platform: miniprogram
            steps:
              - fault: login-40029
                count: 2
              - reorder: [a, b]
        """, file: "t.yaml")
        #expect(script.conversations.count == 2)
        let first = script.conversations[0]
        #expect(first.platform == .wechat && first.user == "bob" && first.steps.count == 3)
        guard case .send(let request) = first.steps[1].action else { Issue.record("not a send"); return }
        #expect(request.format == "xml" && request.deliveries == 3 && request.platform == .wechat)
        #expect(first.steps[1].line == 5)
        #expect(first.steps[1].expect?.contains == ["睡", "觉"])
        #expect(script.conversations[1].user == "bob" && script.conversations[1].platform == .miniprogram)
        guard case .fault(let name, let count) = script.conversations[1].steps[0].action else { Issue.record("not a fault"); return }
        #expect(name == "login-40029" && count == 2)
    }

    @Test(arguments: [
        ("steps:\n  - send: hi\n    expct: {replied: true}\n", 3, "unknown key \"expct\""),
        ("platform: icq\nsteps: [hi]\n", 1, "unknown platform \"icq\""),
        ("steps:\n  - send: hi\n    expect: {tier: panic}\n", 3, "tier must be none, concern or crisis"),
        ("steps:\n  - send: hi\n    deliveries: 9\n", 3, "deliveries must be a whole number from 1 to 5"),
        ("steps:\n  - send: [unclosed\n", 3, "not valid YAML"),
        ("steps:\n  - expect: {replied: true}\n", 2, "a step needs one of send"),
        ("user: x\n", 1, "no steps"),
        ("", 1, "empty"),
    ])
    func malformedScriptsNameLineAndReason(yaml: String, line: Int, reason: String) {
        do {
            _ = try ConversationScript.parse(yaml, file: "bad.yaml")
            Issue.record("parsed: \(yaml)")
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.description.contains(reason), "\(error)")
            #expect(error.description.hasPrefix("bad.yaml:\(line): "))
        }
    }

    @Test func theExampleScriptParses() throws {
        let path = Binaries.packageRoot + "/adapters/simulator/examples/conversation.yaml"
        let script = try ConversationScript.parse(try String(contentsOfFile: path, encoding: .utf8), file: path)
        #expect(script.conversations.map(\.platform) == [.telegram, .wechat, .miniprogram])
    }

    @Test func tierIsInferredFromTheRepliesTemplates() {
        #expect(TierInference.tier(of: []) == nil)
        #expect(TierInference.tier(of: ["睡前少看手机。"]) == SafetyTier.none)
        #expect(TierInference.tier(of: ["嗯。\n\n" + SafetyReplies.concernLine(.zh)]) == .concern)
        #expect(TierInference.tier(of: [SafetyReplies.crisis(.zh)]) == .crisis)
        #expect(TierInference.tier(of: [SafetyReplies.crisis(.en)]) == .crisis)
        // Every reply the safety responder composes is inferred as its tier.
        let responder = SafetyResponder()
        for language in [ReplyLanguage.zh, .en] {
            for concept in RiskConcept.allCases where concept != .hopelessness && concept != .distress {
                #expect(TierInference.tier(of: [responder.crisis([concept], language: language).body]) == .crisis, "\(concept)")
            }
            let concern = responder.concern([.hopelessness], language: language)
            #expect(TierInference.tier(of: [concern.body + "\n\n" + (concern.resourceLine ?? "")]) == .concern)
            let calm = responder.answer(.no, to: .suicidalThoughts, language: language).response
            #expect(TierInference.tier(of: [calm.body + "\n\n" + (calm.resourceLine ?? "")]) == .concern)
        }
    }
}
