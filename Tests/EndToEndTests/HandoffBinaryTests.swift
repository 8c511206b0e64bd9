import Foundation
import HeartlineTestSupport
import Synchronization
import TelegramBotAPIFake
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The counsellor handoff from outside, through the built `heartline` binary, the Telegram
/// channel (webhook, with the fake Bot API answering its calls) and the JSON API exactly as
/// documented in docs/handoff.md, across restarts of the binary on the embedded store.
@Suite(.serialized, .timeLimit(.minutes(3))) struct HandoffBinaryTests {
    static let botToken = "7000000002:AAH_fake-Token_for_tests"
    static let secret = "e2e-webhook-secret_0123456789"
    static let handoffToken = "e2e-handoff-token-0123456789"
    static let user: Int64 = 5_200_000_042

    struct Server {
        let child: ChildProcess
        let base: String
    }

    func start(_ directory: String, telegram: String) async throws -> Server {
        let child = try await ChildProcess(
            Binaries.path("heartline"), ["serve", "--port", "0", "--data-dir", directory, "--no-simulator"],
            environment: [
                "HEARTLINE_TELEGRAM_TOKEN": Self.botToken, "HEARTLINE_TELEGRAM_API_BASE_URL": telegram,
                "HEARTLINE_TELEGRAM_WEBHOOK_SECRET": Self.secret, "HEARTLINE_HANDOFF_TOKEN": Self.handoffToken,
            ],
            directory: directory
        )
        let banner = try #require(await child.waitForLine { $0.hasPrefix("Heartline is listening on ") }, "no banner; stderr: \(child.errors.suffix(5))")
        let port = try #require(Int(banner.split(separator: ":").last ?? ""))
        return Server(child: child, base: "http://127.0.0.1:\(port)")
    }

    func stop(_ server: Server) async {
        server.child.signal(SIGTERM)
        #expect(await server.child.waitForExit() == 0)
    }

    @Test func aCrisisReachesACounsellorWhoAnswersInTheSameChatAcrossRestarts() async throws {
        let directory = temporaryDirectory()
        let fake = TelegramBotAPIFake()
        let updateID = Atomic<Int64>(900_000_000)
        try await fake.run { telegram in
            func say(_ text: String, to server: Server) async throws {
                let id = updateID.add(1, ordering: .relaxed).newValue
                let status = try await call(server.base + "/telegram/webhook", body: Self.update(id: id, text: text), headers: ["X-Telegram-Bot-Api-Secret-Token": Self.secret]).0
                #expect(status == 200)
            }
            func toUser() -> [TelegramBotAPIFake.Call] { fake.sentMessages().filter { ($0.json["chat_id"] as? Int64) == Self.user } }

            var server = try await start(directory, telegram: telegram)
            var started: [Server] = []
            // 1. A crisis message: the crisis reply goes out at once, and a handoff is visible within 2 s.
            let sentAt = ContinuousClock.now
            try await say("我不想活了，活着没意思", to: server)
            var conversation: [String: Any]?
            while conversation == nil, ContinuousClock.now - sentAt < .seconds(2) {
                conversation = try await conversations(server).first
                if conversation == nil { try await Task.sleep(for: .milliseconds(50)) }
            }
            let opened = try #require(conversation, "no handoff within 2 s")
            #expect(opened["channel"] as? String == "telegram" && opened["reason"] as? String == "crisis" && opened["status"] as? String == "open")
            let id = try #require(opened["id"] as? String)
            let crisis = await fake.waitFor("sendMessage") { $0.status == 200 && ($0.json["chat_id"] as? Int64) == Self.user }
            let crisisText = crisis.map { $0.json["text"] as? String ?? "" }.joined()
            #expect(crisisText.contains("12356") && crisisText.contains("咨询师"))
            let afterCrisis = toUser().count

            // 2. A counsellor's message arrives in the user's chat.
            let (status, sent) = try await call(server.base + "/v1/handoff/conversations/\(id)/messages", body: #"{"text":"你好，我是王老师。我在这里陪你，现在安全吗？","counsellor":"王老师"}"#, token: Self.handoffToken)
            #expect(status == 200 && sent["delivered"] as? Bool == true)
            let counsellor = await fake.waitFor("sendMessage", count: afterCrisis + 1) { $0.status == 200 && ($0.json["chat_id"] as? Int64) == Self.user }
            #expect((counsellor.last?.json["text"] as? String)?.contains("我在这里陪你") == true)

            // 3. An ordinary message meanwhile gets no model answer; the counsellor sees it.
            try await say("最近总是失眠，晚上翻来覆去睡不着", to: server)
            #expect(await eventually { (try? await conversations(server).first?["messages"] as? [[String: Any]])?.last?["text"] as? String == "最近总是失眠，晚上翻来覆去睡不着" })
            try await Task.sleep(for: .milliseconds(500))
            #expect(toUser().count == afterCrisis + 1)

            // 4. A restart keeps the handoff open, with its conversation.
            await stop(server)
            started.append(server)
            server = try await start(directory, telegram: telegram)
            let survived = try #require(try await conversations(server).first)
            #expect(survived["id"] as? String == id && survived["status"] as? String == "open")
            let froms = (survived["messages"] as? [[String: Any]])?.compactMap { $0["from"] as? String }
            #expect(froms == ["user", "bot", "counsellor", "user"])
            try await say("你还在吗", to: server)
            #expect(await eventually { (try? await conversations(server).first?["messages"] as? [[String: Any]])?.count == 5 })
            #expect(toUser().count == afterCrisis + 1)

            // 5. Closing tells the user, and the bot answers again.
            let (closed, closing) = try await call(server.base + "/v1/handoff/conversations/\(id)/close", body: #"{"counsellor":"王老师"}"#, token: Self.handoffToken)
            #expect(closed == 200 && closing["status"] as? String == "closed" && closing["delivered"] as? Bool == true)
            let notice = await fake.waitFor("sendMessage", count: afterCrisis + 2) { $0.status == 200 && ($0.json["chat_id"] as? Int64) == Self.user }
            #expect((notice.last?.json["text"] as? String)?.contains("结束") == true)
            try await say("最近总是失眠，晚上翻来覆去睡不着怎么办", to: server)
            let answered = await fake.waitFor("sendMessage", count: afterCrisis + 3) { $0.status == 200 && ($0.json["chat_id"] as? Int64) == Self.user }
            #expect(answered.count >= afterCrisis + 3)
            #expect(try await conversations(server).isEmpty)

            // 6. After another restart the closed handoff is still on record, counsellor's name included.
            await stop(server)
            started.append(server)
            server = try await start(directory, telegram: telegram)
            let record = try #require(try await conversations(server, all: true).first)
            #expect(record["status"] as? String == "closed")
            #expect((record["messages"] as? [[String: Any]])?.contains { $0["counsellor"] as? String == "王老师" } == true)
            await stop(server)
            // Logs never contain message text or the counsellor's name.
            let logs = (started + [server]).flatMap(\.child.errors).joined()
            #expect(!logs.isEmpty && !logs.contains("失眠") && !logs.contains("王老师") && !logs.contains("不想活") && !logs.contains("陪你"))
        }
    }

    // MARK: Helpers

    static func update(id: Int64, text: String) -> String {
        let escaped = (try? JSONEncoder().encode(text)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
        return #"{"update_id": \#(id), "message": {"message_id": \#(id % 100_000), "date": 1718000000, "from": {"id": \#(user), "is_bot": false, "first_name": "T", "language_code": "zh-hans"}, "chat": {"id": \#(user), "type": "private"}, "text": \#(escaped)}}"#
    }

    func conversations(_ server: Server, all: Bool = false) async throws -> [[String: Any]] {
        let (status, body) = try await call(server.base + "/v1/handoff/conversations" + (all ? "?status=all" : ""), body: nil, token: Self.handoffToken)
        #expect(status == 200)
        return body["conversations"] as? [[String: Any]] ?? []
    }
}

/// GET (no body) or POST JSON, with an optional bearer token and headers.
func call(_ url: String, body: String?, token: String? = nil, headers: [String: String] = [:]) async throws -> (Int, [String: Any]) {
    var request = URLRequest(url: try #require(URL(string: url)))
    request.httpMethod = body == nil ? "GET" : "POST"
    if let body {
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(body.utf8)
    }
    if let token { request.setValue("Bearer " + token, forHTTPHeaderField: "Authorization") }
    for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
    let (data, response) = try await URLSession.shared.data(for: request)
    return ((response as? HTTPURLResponse)?.statusCode ?? 0, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
}
