import Foundation
import HeartlineTestSupport
import Simulator
import Testing

/// The drivers against the real server: `heartline serve` in local mode (the built binary), driven
/// through the simulator it starts, for every platform mode.
extension SimulatorEndToEnd {
@Suite(.serialized) struct SimulatorBinaryTests {
    @Test func telegramPrivateGroupReplyPhotoEditedDuplicatesAndReorder() async throws {
        let (child, url) = try await startLocalServe()
        defer { child.signal(SIGTERM) }
        let sim = SimulatorClient(base: url, deadline: .seconds(120))
        let info = try await sim.info()
        #expect(info.platforms == [.telegram, .wechat, .miniprogram])
        #expect(info.heartline?.hasPrefix("http://127.0.0.1:") == true)

        let first = try await sim.send(SendRequest(platform: .telegram, user: "tg1", text: "最近总是失眠，晚上翻来覆去睡不着"))
        #expect(first.error == nil && first.replies.count == 1, "\(first)")
        #expect(first.tier == "none" && first.tierSource == "inferred")
        #expect(first.deliveries.map(\.status) == [200])
        #expect(first.wire.contains { $0.direction == "heartline-to-platform" && $0.label.hasPrefix("sendMessage") })
        // The secret header is used but never shown.
        #expect(first.wire.contains { $0.body.contains("X-Telegram-Bot-Api-Secret-Token: ••••••") })

        let crisis = try await sim.send(SendRequest(platform: .telegram, user: "tg1", text: "我不想活了"))
        #expect(crisis.tier == "crisis" && crisis.replies.count == 1, "\(crisis)")

        let duplicates = try await sim.send(SendRequest(platform: .telegram, user: "tg2", text: "工作压力大，总是很焦虑", deliveries: 3, concurrent: true))
        #expect(duplicates.deliveries.count == 3 && duplicates.deliveries.allSatisfy { $0.status == 200 })
        #expect(duplicates.replies.count == 1, "\(duplicates.replies)")
        let again = try await sim.redeliver(platform: .telegram, user: "tg2")
        #expect(again.deliveries.map(\.status) == [200] && again.replies.isEmpty)

        let chatter = try await sim.send(SendRequest(platform: .telegram, user: "tg3", text: "大家好", kind: .group))
        #expect(chatter.replies.isEmpty && chatter.error == nil)
        let command = try await sim.send(SendRequest(platform: .telegram, user: "tg3", text: "/help", kind: .group))
        #expect(command.replies.count == 1, "\(command)")
        #expect(command.wire.first?.body.contains("/help@heartline_sim_bot") == true)
        let reply = try await sim.send(SendRequest(platform: .telegram, user: "tg3", text: "谢谢你，我最近睡得不好", kind: .reply))
        #expect(reply.replies.count == 1, "\(reply)")
        let photo = try await sim.send(SendRequest(platform: .telegram, user: "tg3", text: "", kind: .photo))
        #expect(photo.replies.count == 1)
        let edited = try await sim.send(SendRequest(platform: .telegram, user: "tg3", text: "改一下", kind: .edited))
        #expect(edited.replies.count == 1 && edited.wire.first?.body.contains("edited_message") == true)

        let reordered = try await sim.reorder(platform: .telegram, user: "tg4", first: "第一条：我最近心情不好", second: "第二条：也睡不好")
        #expect(reordered.deliveries.count == 2 && reordered.replies.count == 2, "\(reordered)")

        // Telegram answers sendMessage with 429 retry_after: Heartline waits and the reply still arrives once.
        _ = try await sim.inject(FaultRequest(platform: .telegram, fault: "429"))
        let throttled = try await sim.send(SendRequest(platform: .telegram, user: "tg5", text: "晚上总是醒来"))
        #expect(throttled.replies.count == 1 && throttled.wire.contains { $0.label == "sendMessage → 429" }, "\(throttled)")

        await child.stop()
        #expect(!child.errors.joined().contains("失眠"), "message text in the logs")
    }

    @Test(arguments: ["safe", "plaintext", "compatible"])
    func wechatPushesInEveryModeAndFormat(mode: String) async throws {
        let (child, url) = try await startLocalServe(environment: ["HEARTLINE_WECHAT_MODE": mode])
        defer { child.signal(SIGTERM) }
        let sim = SimulatorClient(base: url, deadline: .seconds(120))
        #expect(try await sim.info().wechatMode == mode)
        for format in ["json", "xml"] {
            let user = "wx_\(mode)_\(format)"
            // Opening the chat greets once, before anything else was said.
            let event = try await sim.send(SendRequest(platform: .wechat, user: user, text: "", kind: .event, format: format))
            #expect(event.replies.count == 1, "\(event)")
            let text = try await sim.send(SendRequest(platform: .wechat, user: user, text: "我和家人总是吵架，心里很难受", format: format))
            #expect(text.error == nil && text.replies.count == 1, "\(mode) \(format): \(text)")
            #expect(text.deliveries.map(\.status) == [200])
            #expect(text.wire.contains { $0.label.contains("custom/send") })
            if mode != "plaintext" { #expect(text.wire.contains { $0.label.contains("encrypt_type=aes") }) }
            let duplicates = try await sim.send(SendRequest(platform: .wechat, user: user, text: "晚上睡不好", format: format, deliveries: 3))
            #expect(duplicates.deliveries.count == 3 && duplicates.replies.count == 1, "\(duplicates)")
        }
        let reordered = try await sim.reorder(platform: .wechat, user: "wx_\(mode)_order", first: "第一条：最近心情不好", second: "第二条：也睡不好")
        #expect(reordered.deliveries.map(\.status) == [200, 200] && reordered.replies.count == 2, "\(reordered)")
        // The access token is rejected once (40001): Heartline refreshes it and the reply arrives.
        _ = try await sim.inject(FaultRequest(platform: .wechat, fault: "40001"))
        let refreshed = try await sim.send(SendRequest(platform: .wechat, user: "wx_token", text: "最近压力有点大"))
        #expect(refreshed.replies.count == 1, "\(refreshed)")
        await child.stop()
    }

    @Test func miniProgramLoginAskDuplicateAndCrisis() async throws {
        let (child, url) = try await startLocalServe()
        defer { child.signal(SIGTERM) }
        let sim = SimulatorClient(base: url, deadline: .seconds(120))
        let ask = try await sim.send(SendRequest(platform: .miniprogram, user: "mp1", text: "考试前总是很紧张怎么办"))
        #expect(ask.error == nil && ask.replies.count == 1 && ask.tier == "none" && ask.tierSource == "server", "\(ask)")
        #expect(ask.wire.first?.label.hasSuffix("/login") == true)
        #expect(!ask.wire.contains { $0.body.contains("\"token\" : \"") && !$0.body.contains("••") })
        let twice = try await sim.send(SendRequest(platform: .miniprogram, user: "mp1", text: "怎么放松", deliveries: 2))
        #expect(twice.deliveries.count == 2 && twice.replies.count == 1 && twice.notes.contains { $0.contains("duplicate") }, "\(twice)")
        let crisis = try await sim.send(SendRequest(platform: .miniprogram, user: "mp1", text: "我想结束这一切"))
        #expect(crisis.tier == "crisis" && crisis.replies.first?.contains("12356") == true)
        _ = try await sim.inject(FaultRequest(platform: .miniprogram, fault: "login-40029"))
        let refused = try await sim.send(SendRequest(platform: .miniprogram, user: "mp2", text: "你好"))
        #expect(refused.error?.contains("login refused") == true, "\(refused)")
        await child.stop()
    }

    @Test func servingWithoutTheSimulatorKeepsTheLocalChannelOnly() async throws {
        let directory = temporaryDirectory()
        let child = try await ChildProcess(Binaries.heartline, ["serve", "--port", "0", "--data-dir", directory, "--no-simulator"], directory: directory)
        defer { child.signal(SIGTERM) }
        let banner = await child.waitForLine(timeout: .seconds(90)) { $0.hasPrefix("  health:") }
        #expect(banner != nil)
        #expect(!child.output.contains { $0.contains("/simulator/") })
        await child.stop()
    }
}
}
