import ChatCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Safety
import Testing
@testable import HeartlineServer

/// A detector returning scripted detections, so the server path of the safety replies is tested
/// without depending on which wordings the live detector catches.
struct ScriptedRiskDetector: CrisisDetecting {
    var table: [String: Detection]
    func detect(_ text: String, recent: [String]) throws -> Detection { table[text] ?? .none }
}

/// Crisis and concern replies through the local channel, with the real file session store (so the
/// pending safety question survives the JSON round trip) and a model that always gives the same
/// unrelated stock answer.
@Suite struct SafetyReplyServerTests {
    static let stock = "可以试着写一张待办清单，把工作按轻重缓急排好。"
    static let detector = ScriptedRiskDetector(table: [
        "我在床垫下面藏了一把刀": Detection(tier: .crisis, reasons: ["means"], concepts: [.means]),
        "最近什么都没意义": Detection(tier: .concern, reasons: ["hopelessness"], concepts: [.hopelessness]),
    ])

    func environment(_ name: String = #function) throws -> (TestEnvironment, CountingModel) {
        let model = CountingModel { _ in Self.stock }
        let safety = SafetyLayer(detector: Self.detector, outputChecker: try OutputChecker.bundled())
        return (try TestEnvironment(model: model, safety: safety, name: name), model)
    }

    func say(_ client: some TestClientProtocol, _ text: String, id: String) async throws -> [String: Any] {
        let body = try JSONSerialization.data(withJSONObject: ["user": "bob", "text": text, "id": id])
        let response = try await client.postLocal(String(decoding: body, as: UTF8.self))
        #expect(response.status == .ok)
        return object(response)
    }

    @Test func distressIsNeverAnsweredWithTheStockAnswerAndAYesEscalates() async throws {
        let (environment, model) = try environment()
        try await environment.app().test(.router) { client in
            let knife = try await say(client, "我在床垫下面藏了一把刀", id: "1")
            let knifeReply = knife["reply"] as? String ?? ""
            #expect(knife["source"] as? String == "crisis" && knife["tier"] as? String == "crisis")
            #expect(knifeReply.contains("你现在有想过结束自己的生命吗？") && knifeReply.contains("能先把刀"))
            #expect(knifeReply.contains("12356") && !knifeReply.contains("床垫") && !knifeReply.contains(Self.stock))

            // The pending question was stored in the session file; "嗯" answers it.
            let yes = try await say(client, "嗯", id: "2")
            #expect(yes["source"] as? String == "crisis" && (yes["reply"] as? String ?? "").contains("12356"))
            let no = try await say(client, "没有", id: "3")
            #expect(no["source"] as? String == "concern" && no["tier"] as? String == "concern")
            #expect(!(no["reply"] as? String ?? "").contains(Self.stock))

            let concern = try await say(client, "最近什么都没意义", id: "4")
            let concernReply = concern["reply"] as? String ?? ""
            #expect(concern["source"] as? String == "concern" && !concernReply.contains(Self.stock))
            #expect(concernReply.contains("你有过这样的想法吗？") && concernReply.contains("12356"))
        }
        #expect(model.calls == 1, "the model was asked only for the concern message, and its answer not used")
    }
}
