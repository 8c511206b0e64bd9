import Foundation
import HeartlineTestSupport
import Simulator
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The simulator shows handoffs: a simulated Telegram or WeChat user asks for a person, a
/// counsellor answers through the handoff API, and the message appears in the user's chat
/// (`GET /simulator/api/messages`, which the page polls), once.
extension SimulatorEndToEnd {
@Suite(.serialized) struct SimulatorHandoffTests {
    static let token = "simulator-handoff-token-0123"

    @Test(arguments: [SimPlatform.telegram, .wechat])
    func aCounsellorsMessageAppearsInTheSimulatedChat(platform: SimPlatform) async throws {
        let (child, url) = try await startLocalServe(environment: ["HEARTLINE_HANDOFF_TOKEN": Self.token])
        defer { child.signal(SIGTERM) }
        let sim = SimulatorClient(base: url, deadline: .seconds(120))
        let heartline = try #require(try await sim.info().heartline)
        let user = "hand_" + platform.rawValue

        let opened = try await sim.send(SendRequest(platform: platform, user: user, text: "转人工"))
        #expect(opened.replies.count == 1 && opened.replies.first?.contains("咨询师") == true, "\(opened)")
        let total = try #require(opened.total)
        #expect(try await sim.messages(platform: platform, user: user, after: total).messages.isEmpty)

        let list = try await Self.handoff(heartline + "/v1/handoff/conversations", body: nil)
        let id = try #require(((list["conversations"] as? [[String: Any]])?.first?["id"]) as? String)
        let sent = try await Self.handoff(heartline + "/v1/handoff/conversations/\(id)/messages", body: #"{"text":"你好，我是咨询师小林。","counsellor":"小林"}"#)
        #expect(sent["delivered"] as? Bool == true)

        var unasked = UnaskedMessages(messages: [], total: total)
        for _ in 0..<100 where unasked.messages.isEmpty {
            try await Task.sleep(for: .milliseconds(50))
            unasked = try await sim.messages(platform: platform, user: user, after: total)
        }
        #expect(unasked.messages == ["【咨询师 小林】你好，我是咨询师小林。"])
        #expect(try await sim.messages(platform: platform, user: user, after: unasked.total).messages.isEmpty)
        await child.stop()
    }

    static func handoff(_ url: String, body: String?) async throws -> [String: Any] {
        var request = URLRequest(url: try #require(URL(string: url)))
        request.httpMethod = body == nil ? "GET" : "POST"
        request.setValue("Bearer " + token, forHTTPHeaderField: "Authorization")
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(body.utf8)
        }
        let (data, _) = try await URLSession.shared.data(for: request)
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }
}
}
