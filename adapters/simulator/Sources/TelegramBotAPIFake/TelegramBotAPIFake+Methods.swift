import Foundation
import Synchronization

extension TelegramBotAPIFake {
    func sendMessage(_ p: [String: Any]) throws -> [String: Any] {
        let chatID = try Self.chatID(p)
        guard let text = p["text"] as? String else { throw Failure.badRequest("message text is empty") }
        let visible: String
        switch p["parse_mode"] {
        case nil:
            visible = text
        case let mode as String where mode == "HTML":
            visible = try FakeHTML.visibleText(text)
        case let mode as String where mode == "MarkdownV2":
            visible = try FakeMarkdown.visibleText(text)
        default:
            throw Failure.badRequest("unsupported parse_mode")
        }
        guard !visible.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw Failure.badRequest("message text is empty") }
        // B.6: counted after entity parsing; UTF-16 units, the stricter reading.
        guard visible.utf16.count <= 4096 else { throw Failure.badRequest("message is too long") }
        if let reply = p["reply_parameters"] {
            guard let object = reply as? [String: Any], object["message_id"] is NSNumber, object["message_id"] as? Int64 != nil else {
                throw Failure.badRequest("wrong reply parameters specified")
            }
        }
        if p["reply_to_message_id"] != nil { throw Failure.badRequest("use reply_parameters") }
        if let preview = p["link_preview_options"], !(preview is [String: Any]) { throw Failure.badRequest("can't parse link preview options") }
        return try state.withLock { s -> [String: Any] in
            if let target = s.migratedChats[chatID] {
                throw Failure(status: 400, description: "Bad Request: group chat was upgraded to a supergroup chat", migrateTo: target)
            }
            if s.blockedChats.contains(chatID) { throw Failure(status: 403, description: "Forbidden: bot was blocked by the user") }
            s.nextMessageID += 1
            return [
                "message_id": s.nextMessageID,
                "from": ["id": options.botID, "is_bot": true, "first_name": "Example Helper", "username": options.botUsername] as [String: Any],
                "chat": ["id": chatID, "type": chatID > 0 ? "private" : "supergroup"] as [String: Any],
                "date": Int64(Date().timeIntervalSince1970),
                "text": visible,
            ]
        }
    }

    func setWebhook(_ p: [String: Any]) throws -> Bool {
        guard let url = p["url"] as? String else { throw Failure.badRequest("bad webhook: URL must be provided") }
        var secret: String?
        if let raw = p["secret_token"] {
            guard let value = raw as? String, (1...256).contains(value.utf8.count),
                  value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") })
            else { throw Failure.badRequest("secret token contains unallowed characters") }
            secret = value
        }
        var allowed: [String]?
        if let raw = p["allowed_updates"] {
            guard let list = raw as? [String] else { throw Failure.badRequest("can't parse allowed updates") }
            allowed = list
        }
        if let raw = p["max_connections"] {
            guard let n = raw as? Int, (1...100).contains(n) else { throw Failure.badRequest("bad max_connections") }
        }
        if url.isEmpty {
            state.withLock { $0.webhook = nil }
            return true
        }
        guard let parsed = URL(string: url), parsed.scheme == "https", parsed.host != nil else {
            throw Failure.badRequest("bad webhook: An HTTPS URL must be provided for webhook")
        }
        if let port = parsed.port, ![443, 80, 88, 8443].contains(port) {
            throw Failure.badRequest("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
        }
        state.withLock { s in
            s.webhook = (url, secret, allowed)
            if p["drop_pending_updates"] as? Bool == true { s.pendingUpdates.removeAll() }
        }
        return true
    }

    func setMyCommands(_ p: [String: Any]) throws -> Bool {
        guard let list = p["commands"] as? [[String: Any]], list.count <= 100 else { throw Failure.badRequest("can't parse commands") }
        var commands: [[String: String]] = []
        for item in list {
            guard let command = item["command"] as? String, (1...32).contains(command.count),
                  command.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") })
            else { throw Failure.badRequest("BOT_COMMAND_INVALID") }
            guard let description = item["description"] as? String, (1...256).contains(description.count) else {
                throw Failure.badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
            }
            commands.append(["command": command, "description": description])
        }
        let language = p["language_code"] as? String ?? ""
        state.withLock { $0.commands[language] = commands }
        return true
    }

    /// B.3: confirms every update below `offset`, returns up to `limit` from `offset` on, waiting up
    /// to `timeout` seconds when there are none. 409 while a webhook is set.
    func getUpdates(_ p: [String: Any]) async throws -> [Any] {
        if state.withLock({ $0.webhook != nil }) {
            throw Failure(status: 409, description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first")
        }
        let offset = p["offset"] as? Int64
        let limit = p["limit"] as? Int ?? 100
        let timeout = p["timeout"] as? Int ?? 0
        guard (1...100).contains(limit), timeout >= 0 else { throw Failure.badRequest("wrong limit or timeout") }
        if let raw = p["allowed_updates"], !(raw is [String]) { throw Failure.badRequest("can't parse allowed updates") }
        let deadline = ContinuousClock.now + .seconds(timeout)
        while true {
            let batch = state.withLock { s -> [String] in
                if let offset { s.pendingUpdates.removeAll { $0.id < offset } }
                return s.pendingUpdates.prefix(limit).map(\.json)
            }
            if !batch.isEmpty || ContinuousClock.now >= deadline || Task.isCancelled {
                return batch.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) }
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}

/// The HTML subset Telegram accepts (B.7): the listed tags, properly nested; `&lt; &gt; &amp;
/// &quot;` and numeric entities; no bare `<`, `>` or `&`.
enum FakeHTML {
    static let tags: Set<String> = [
        "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "tg-emoji", "tg-time", "code", "pre", "blockquote",
    ]

    static func visibleText(_ html: String) throws -> String {
        func reject(_ why: String) -> TelegramBotAPIFake.Failure { .badRequest("can't parse entities: " + why) }
        var visible = ""
        var stack: [String] = []
        var rest = Substring(html)
        while let c = rest.first {
            if c == "<" {
                guard let close = rest.firstIndex(of: ">") else { throw reject("Unclosed start tag") }
                let inner = rest[rest.index(after: rest.startIndex)..<close]
                if inner.hasPrefix("/") {
                    let name = inner.dropFirst().lowercased()
                    guard stack.last == name else { throw reject("Unmatched end tag \"\(name)\"") }
                    stack.removeLast()
                } else {
                    let name = String(inner.prefix { !$0.isWhitespace }).lowercased()
                    guard tags.contains(name) else { throw reject("Unsupported start tag \"\(name)\"") }
                    stack.append(name)
                }
                rest = rest[rest.index(after: close)...]
            } else if c == ">" {
                throw reject("Character '>' is reserved")
            } else if c == "&" {
                guard let semicolon = rest.firstIndex(of: ";") else { throw reject("Unclosed entity") }
                let name = rest[rest.index(after: rest.startIndex)..<semicolon]
                switch name {
                case "lt": visible += "<"
                case "gt": visible += ">"
                case "amp": visible += "&"
                case "quot": visible += "\""
                default:
                    guard name.hasPrefix("#"), let value = name.hasPrefix("#x") ? UInt32(name.dropFirst(2), radix: 16) : UInt32(name.dropFirst()),
                          let scalar = Unicode.Scalar(value)
                    else { throw reject("Unsupported HTML entity \"\(name)\"") }
                    visible.unicodeScalars.append(scalar)
                }
                rest = rest[rest.index(after: semicolon)...]
            } else {
                visible.append(c)
                rest = rest.dropFirst()
            }
        }
        guard stack.isEmpty else { throw reject("Unclosed tag \"\(stack.last ?? "")\"") }
        return visible
    }
}

/// MarkdownV2 as Heartline would send it: plain text with every reserved character escaped (B.7).
enum FakeMarkdown {
    static let reserved: Set<Character> = ["_", "*", "[", "]", "(", ")", "~", "`", ">", "#", "+", "-", "=", "|", "{", "}", ".", "!"]

    static func visibleText(_ text: String) throws -> String {
        var visible = ""
        var escaping = false
        for c in text {
            if escaping {
                visible.append(c)
                escaping = false
            } else if c == "\\" {
                escaping = true
            } else if reserved.contains(c) {
                throw TelegramBotAPIFake.Failure.badRequest("can't parse entities: Character '\(c)' is reserved and must be escaped with the preceding '\\'")
            } else {
                visible.append(c)
            }
        }
        return visible
    }
}
