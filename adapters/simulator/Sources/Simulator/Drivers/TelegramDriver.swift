import ChatCore
import Foundation
import NIOHTTP1

/// Builds Telegram Updates (docs/protocols.md B.4, B.5, B.10) and delivers them to Heartline's webhook
/// as Telegram does: POST JSON with the secret-token header; anything but 2xx is delivered again.
struct TelegramDriver: Sendable {
    let configuration: SimulatorConfiguration.Telegram
    let poster: HTTPPoster

    static func userID(_ user: String) -> Int64 { 5_000_000_000 + Int64(StableID.of("tg:" + user) % 900_000_000) }
    static func groupID(_ user: String) -> Int64 { -1_001_000_000_000 - Int64(StableID.of("tg-group:" + user) % 900_000_000) }

    /// The Update JSON for a message of `kind`.
    func update(id: Int64, messageID: Int64, previousMessageID: Int64?, user: String, text: String, kind: SimKind, date: Int64) -> [UInt8] {
        let userID = Self.userID(user)
        let from: [String: Any] = ["id": userID, "is_bot": false, "first_name": String(user.prefix(64))]
        let privateChat: [String: Any] = ["id": userID, "first_name": String(user.prefix(64)), "type": "private"]
        let group: [String: Any] = ["id": Self.groupID(user), "title": "Heartline simulator group", "type": "supergroup"]
        var message: [String: Any] = ["message_id": messageID, "from": from, "date": date]
        var key = "message"
        switch kind {
        case .group:
            message["chat"] = group
            // A command is addressed to the bot (`/help@bot`), as clients send it in groups.
            if text.hasPrefix("/") {
                let command = text.prefix { !$0.isWhitespace }
                let addressed = command.contains("@") ? String(command) : String(command) + "@" + configuration.botUsername
                let full = addressed + text.dropFirst(command.count)
                message["text"] = full
                message["entities"] = [["offset": 0, "length": addressed.utf16.count, "type": "bot_command"]]
            } else {
                message["text"] = text
            }
        case .reply:
            message["chat"] = group
            message["text"] = text
            message["reply_to_message"] = [
                "message_id": max(1, messageID - 1),
                "from": ["id": configuration.botID, "is_bot": true, "first_name": "Heartline", "username": configuration.botUsername] as [String: Any],
                "chat": group, "date": date - 60, "text": "…",
            ] as [String: Any]
        case .photo:
            message["chat"] = privateChat
            message["photo"] = [
                ["file_id": "SIM_photo_small_\(messageID)", "file_unique_id": "SIMs\(messageID)", "file_size": 1480, "width": 90, "height": 68],
                ["file_id": "SIM_photo_large_\(messageID)", "file_unique_id": "SIMl\(messageID)", "file_size": 87201, "width": 1280, "height": 960],
            ]
            if !text.isEmpty { message["caption"] = text }
        case .edited:
            key = "edited_message"
            message["message_id"] = previousMessageID ?? messageID
            message["chat"] = privateChat
            message["text"] = text
            message["edit_date"] = date
        default:
            message["chat"] = privateChat
            message["text"] = text
        }
        return JSONText.encode(["update_id": id, key: message] as [String: Any])
    }

    var headers: [(String, String)] {
        var headers = [("Content-Type", "application/json")]
        if let secret = configuration.webhookSecret { headers.append(("X-Telegram-Bot-Api-Secret-Token", secret)) }
        return headers
    }

    /// Posts one delivery. Telegram gives a webhook 60 s; the simulator uses `deadline`.
    func deliver(base: String, body: [UInt8], deadline: Duration) async -> (DeliveryAttempt, WireRecord) {
        do {
            let answer = try await poster.send(.POST, base + configuration.webhookPath, headers: headers, body: body, deadline: deadline)
            let ok = (200..<300).contains(answer.status)
            let attempt = DeliveryAttempt(status: answer.status, latencyMs: Int(answer.latency.milliseconds), outcome: ok ? "accepted" : "refused")
            return (attempt, WireRecord(direction: "from-heartline", label: "HTTP \(answer.status)", body: JSONText.pretty(answer.body)))
        } catch {
            switch error {
            case .timeout(let waited):
                return (DeliveryAttempt(status: nil, latencyMs: Int(waited.milliseconds), outcome: "timeout"), WireRecord(direction: "from-heartline", label: "no answer", body: ""))
            case .unreachable(let why):
                return (DeliveryAttempt(status: nil, latencyMs: 0, outcome: "unreachable: " + why), WireRecord(direction: "from-heartline", label: "unreachable", body: why))
            }
        }
    }

    /// The outgoing request as shown on the wire view, with the secret masked.
    func wire(body: [UInt8]) -> WireRecord {
        let header = configuration.webhookSecret == nil ? "" : "X-Telegram-Bot-Api-Secret-Token: ••••••\n"
        return WireRecord(direction: "to-heartline", label: "POST \(configuration.webhookPath)", body: header + JSONText.pretty(body))
    }
}
