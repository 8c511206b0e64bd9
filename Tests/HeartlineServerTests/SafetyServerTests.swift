import AsyncHTTPClient
import ChatCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Safety
import Synchronization
import Testing
@testable import HeartlineServer

/// The whole path through the server with the real safety layer.
@Suite struct SafetyServerTests {
    struct Answer: Decodable {
        var reply: String
        var tier: String
        var source: String
    }

    func dependencies(model: any CompletionModel) throws -> HeartlineDependencies {
        HeartlineDependencies(
            hasher: TestHasher(), sessions: TestSessions(), inbox: TestInbox(), model: model,
            safety: try SafetyLayer.live(configuration: .init())
        )
    }

    func post(_ client: some TestClientProtocol, _ text: String, id: String) async throws -> Answer {
        let body = try JSONSerialization.data(withJSONObject: ["user": "alice", "text": text, "id": id])
        return try await client.execute(
            uri: "/v1/local/messages", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(bytes: body)
        ) { response in
            #expect(response.status == .ok)
            return try JSONDecoder().decode(Answer.self, from: Data(response.body.readableBytesView))
        }
    }

    @Test func crisisOnTheLocalChannelGetsHotlinesAndTheModelIsNeverCalled() async throws {
        let model = NeverModel()
        var settings = HeartlineSettings()
        settings.local.replyTimeout = .seconds(5)
        let app = buildApplication(settings: settings, dependencies: try dependencies(model: model), logger: Logger(label: "test"))
        try await app.test(.router) { client in
            let answer = try await post(client, "我朋友说今晚要跳楼", id: "m1")
            #expect(answer.tier == "crisis" && answer.source == "crisis")
            #expect(answer.reply.contains("12356") && answer.reply.contains("400-161-9995") && answer.reply.contains("110"))
            #expect(answer.reply.contains("？"), "every crisis reply asks a direct question")
            let slang = try await post(client, "想紫砂", id: "m2")
            #expect(slang.tier == "crisis")
        }
        #expect(model.calls == 0)
    }

    @Test func telegramAlertBodyMatchesSendMessage() throws {
        // docs/protocols.md B.6: chat_id (integer or @channel) and text.
        let alert = CrisisAlert(CrisisEvent(userHash: UserHash("0123456789abcdef"), channel: .wechat, tier: .crisis, reasons: ["plan"], at: Date(timeIntervalSince1970: 0)))
        let numeric = try JSONSerialization.jsonObject(with: Data(HTTPAlertSink.telegramBody(alert, chatID: "-1001987654321"))) as? [String: Any]
        #expect(numeric?["chat_id"] as? Int64 == -1001987654321)
        #expect((numeric?["text"] as? String)?.contains("wechat") == true)
        let named = try JSONSerialization.jsonObject(with: Data(HTTPAlertSink.telegramBody(alert, chatID: "@ops"))) as? [String: Any]
        #expect(named?["chat_id"] as? String == "@ops")
    }

    @Test func alertIsDeliveredToAStrictFakeTelegram() async throws {
        let received = Mutex<[(chatID: Int64?, text: String)]>([])
        let router = Router()
        // A fake Bot API as strict as the real one (docs/protocols.md B.1, B.6): token in the path,
        // JSON body with chat_id and 1–4096 characters of text, the {"ok": …} envelope.
        router.post("/bot{token}/sendMessage") { request, context -> Response in
            let token = context.parameters.get("token") ?? ""
            guard token == "123456:ABC-test" else {
                return Response(status: .unauthorized, body: .init(byteBuffer: ByteBuffer(string: #"{"ok":false,"error_code":401,"description":"Unauthorized"}"#)))
            }
            let body = try await request.body.collect(upTo: 1 << 16)
            guard let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
                  object["chat_id"] != nil, let text = object["text"] as? String, (1...4096).contains(text.utf16.count) else {
                return Response(status: .badRequest, body: .init(byteBuffer: ByteBuffer(string: #"{"ok":false,"error_code":400,"description":"Bad Request: message text is empty"}"#)))
            }
            let chatID = object["chat_id"] as? Int64
            received.withLock { $0.append((chatID, text)) }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: #"{"ok":true,"result":{"message_id":19}}"#)))
        }
        let fake = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await fake.test(.live) { client in
            let port = client.port ?? 0
            var alertSettings = SafetySettings.Alert()
            alertSettings.telegramToken = "123456:ABC-test"
            alertSettings.telegramChatID = "5123456789"
            alertSettings.telegramBaseURL = "http://127.0.0.1:\(port)"
            let sink = HTTPAlertSink(httpClient: HTTPClient.shared, settings: alertSettings)
            let alert = CrisisAlert(CrisisEvent(userHash: UserHash("feedface"), channel: .telegram, tier: .crisis, reasons: ["intent"], at: Date()))
            try await sink.send(alert)
            var wrong = alertSettings
            wrong.telegramToken = "999:wrong"
            await #expect(throws: AlertDeliveryError.rejected(status: 401)) { try await HTTPAlertSink(httpClient: HTTPClient.shared, settings: wrong).send(alert) }
        }
        let sent = received.withLock { $0 }
        #expect(sent.count == 1)
        #expect(sent.first?.chatID == 5123456789)
        #expect(sent.first?.text.contains("feedface") == true)
    }

    @Test func safetySettingsLoadAndValidate() async throws {
        let reader = try await SettingsLoader.reader(
            overrides: ["safety.rateLimit.perMinute": "5", "safety.alert.telegramToken": "1:x"], environment: [:], dotEnvPath: nil
        )
        var loader = SettingsLoader(reader: reader)
        #expect(throws: SettingsError.self) { try loader.load() }
        let good = try await SettingsLoader.reader(
            overrides: ["safety.rateLimit.perMinute": "5", "safety.rateLimit.perDay": "50", "safety.alert.webhookUrl": "https://ops.example/hook"],
            environment: [:], dotEnvPath: nil
        )
        var goodLoader = SettingsLoader(reader: good)
        let settings = try goodLoader.load()
        #expect(settings.safety.ratePerMinute == 5 && settings.safety.ratePerDay == 50 && settings.safety.alert.isConfigured)
    }
}

/// Fails the test by counting: the model must never be asked about a crisis.
final class NeverModel: CompletionModel, Sendable {
    let name = "never"
    private let count = Mutex(0)
    var calls: Int { count.withLock { $0 } }
    func complete(_ request: CompletionRequest) async throws -> Completion {
        count.withLock { $0 += 1 }
        return Completion(text: "model answer", model: name, origin: .primary)
    }
}

struct TestHasher: UserKeyHasher {
    func hash(_ userKey: String) -> UserHash { UserHash("h-" + userKey) }
    func hashIdentifier(_ identifier: String) -> String { "id-" + identifier }
}

final class TestSessions: SessionStore, Sendable {
    let sessions = Mutex<[UserHash: Session]>([:])
    func load(_ user: UserHash) async throws -> Session? { sessions.withLock { $0[user] } }
    func save(_ session: Session, for user: UserHash) async throws { sessions.withLock { $0[user] = session } }
    func delete(_ user: UserHash) async throws { sessions.withLock { $0[user] = nil } }
    func sweep(idleSince cutoff: Date) async throws -> Int { 0 }
}

final class TestInbox: Inbox, Sendable {
    let entries = Mutex<[String: (InboxEntry, Reply?, Bool)]>([:])
    let hasher = TestHasher()

    func record(_ message: InboundMessage, userHash: UserHash) async throws -> InboxRecordResult {
        let id = hasher.inboxID(for: message)
        return entries.withLock { all in
            if let existing = all[id] { return existing.2 ? .duplicateDone(id: id, reply: existing.1) : .duplicatePending(id: id) }
            let entry = InboxEntry(id: id, userHash: userHash, message: message, recordedAt: message.receivedAt)
            all[id] = (entry, nil, false)
            return .accepted(entry)
        }
    }
    func complete(_ id: String, reply: Reply?) async throws {
        entries.withLock { all in if let e = all[id] { all[id] = (e.0, reply, true) } }
    }
    func pending() async throws -> [InboxEntry] { entries.withLock { $0.values.filter { !$0.2 }.map(\.0) } }
    func reply(for id: String) async throws -> Reply?? {
        entries.withLock { all in
            guard let e = all[id], e.2 else { return .none }
            return .some(e.1)
        }
    }
    func purge(_ user: UserHash, keeping: String?) async throws {}
}
