import Foundation
import Synchronization
import Hummingbird
import NIOCore

extension TelegramBotAPIFake {
    static let methods = [
        "getMe", "sendMessage", "sendMessageDraft", "sendChatAction", "setWebhook", "deleteWebhook", "getWebhookInfo", "setMyCommands", "getUpdates",
    ]

    /// A failed request: Telegram's error envelope.
    struct Failure: Error {
        var status: Int
        var description: String
        var retryAfter: Int?
        var migrateTo: Int64?

        static func badRequest(_ description: String) -> Failure { Failure(status: 400, description: "Bad Request: " + description) }
    }

    func handle(bot: String, method rawMethod: String, contentType: String?, body: [UInt8]) async -> Response {
        let canonical = Self.methods.first { $0.lowercased() == rawMethod.lowercased() }
        let method = canonical ?? rawMethod
        let outcome: Result<Any, Failure>
        if bot != "bot" + options.token {
            // A well-formed but wrong token is 401; anything else in the path is 404.
            outcome = .failure(bot.hasPrefix("bot") && bot.contains(":") ? Failure(status: 401, description: "Unauthorized") : Failure(status: 404, description: "Not Found"))
        } else if canonical == nil {
            outcome = .failure(Failure(status: 404, description: "Not Found"))
        } else if contentType?.split(separator: ";").first.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) != "application/json" {
            outcome = .failure(.badRequest("expected Content-Type application/json"))
        } else if let params = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] {
            outcome = await answer(method, params)
        } else {
            outcome = .failure(.badRequest("request body is not a JSON object"))
        }
        if case .failure(let failure) = outcome, failure.description == "__garbage__" {
            record(method, body, status: 200)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "<html>oops</html>")))
        }
        let status: Int
        var envelope: [String: Any]
        switch outcome {
        case .success(let result):
            status = 200
            envelope = ["ok": true, "result": result]
        case .failure(let failure):
            status = failure.status
            envelope = ["ok": false, "error_code": failure.status, "description": failure.description]
            var parameters: [String: Any] = [:]
            parameters["retry_after"] = failure.retryAfter
            parameters["migrate_to_chat_id"] = failure.migrateTo
            if !parameters.isEmpty { envelope["parameters"] = parameters }
        }
        record(method, body, status: status)
        let data = (try? JSONSerialization.data(withJSONObject: envelope)) ?? Data("{}".utf8)
        return Response(
            status: HTTPResponse.Status(code: status), headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    private func record(_ method: String, _ body: [UInt8], status: Int) {
        let keep = options.recordBodies
        state.withLock { s in
            s.counts[method, default: 0] += 1
            if keep { s.calls.append(Call(method: method, body: body, at: .now, status: status)) }
        }
    }

    private func answer(_ method: String, _ params: [String: Any]) async -> Result<Any, Failure> {
        while let scripted = state.withLock({ s -> Scripted? in
            guard var queue = s.scripts[method.lowercased()], !queue.isEmpty else { return nil }
            let first = queue.removeFirst()
            s.scripts[method.lowercased()] = queue
            return first
        }) {
            switch scripted {
            case .failure(let status, let description, let retryAfter, let migrateTo):
                return .failure(Failure(status: status, description: description, retryAfter: retryAfter, migrateTo: migrateTo))
            case .delay(let duration):
                try? await Task.sleep(for: duration)
            case .garbage:
                return .failure(Failure(status: 200, description: "__garbage__"))
            }
        }
        do {
            return .success(try await result(method, params))
        } catch let failure as Failure {
            return .failure(failure)
        } catch {
            return .failure(Failure(status: 500, description: "Internal Server Error"))
        }
    }

    private func result(_ method: String, _ p: [String: Any]) async throws -> Any {
        switch method {
        case "getMe":
            return ["id": options.botID, "is_bot": true, "first_name": "Example Helper", "username": options.botUsername] as [String: Any]
        case "sendMessage":
            return try sendMessage(p)
        case "sendMessageDraft":
            return try sendMessageDraft(p)
        case "sendChatAction":
            _ = try Self.chatID(p)
            let actions = ["typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice", "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note"]
            guard let action = p["action"] as? String, actions.contains(action) else { throw Failure.badRequest("wrong parameter action in request") }
            return true
        case "setWebhook":
            return try setWebhook(p)
        case "deleteWebhook":
            state.withLock { s in
                s.webhook = nil
                if p["drop_pending_updates"] as? Bool == true { s.pendingUpdates.removeAll() }
            }
            return true
        case "getWebhookInfo":
            let (hook, pending) = state.withLock { ($0.webhook, $0.pendingUpdates.count) }
            var info: [String: Any] = ["url": hook?.url ?? "", "has_custom_certificate": false, "pending_update_count": pending]
            if let allowed = hook?.allowed { info["allowed_updates"] = allowed }
            if hook != nil { info["max_connections"] = 40 }
            return info
        case "setMyCommands":
            return try setMyCommands(p)
        case "getUpdates":
            return try await getUpdates(p)
        default:
            throw Failure(status: 404, description: "Not Found")
        }
    }

    static func chatID(_ p: [String: Any]) throws -> Int64 {
        // Heartline always sends integer ids; a string or fractional id is a bug here.
        guard p["chat_id"] is NSNumber, let id = p["chat_id"] as? Int64 else {
            throw Failure.badRequest(p["chat_id"] == nil ? "chat_id is empty" : "chat not found")
        }
        guard id != 0 else { throw Failure.badRequest("chat not found") }
        return id
    }
}
