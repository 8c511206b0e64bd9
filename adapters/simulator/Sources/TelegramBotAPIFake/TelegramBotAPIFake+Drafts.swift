import Foundation
import Synchronization

extension TelegramBotAPIFake {
    /// `sendMessageDraft` (Bot API 9.5, docs/protocols.md B.11): private chats only, a non-zero
    /// integer `draft_id`, text of at most 4096 characters after entity parsing; answers `true`.
    /// Telegram does not document its error texts for this method: the ones here follow the
    /// pattern of `sendMessage`'s.
    func sendMessageDraft(_ p: [String: Any]) throws -> Bool {
        let chatID = try Self.chatID(p)
        // Private chat ids are the user's id, always positive; groups and channels are negative.
        guard chatID > 0 else { throw Failure.badRequest("message drafts can be sent only to private chats") }
        guard p["draft_id"] is NSNumber, let draftID = p["draft_id"] as? Int64, draftID != 0 else {
            throw Failure.badRequest("draft_id must be a non-zero integer")
        }
        guard let text = p["text"] as? String else { throw Failure.badRequest("message text is empty") }
        let visible: String
        switch p["parse_mode"] {
        case nil: visible = text
        case let mode as String where mode == "HTML": visible = try FakeHTML.visibleText(text)
        case let mode as String where mode == "MarkdownV2": visible = try FakeMarkdown.visibleText(text)
        default: throw Failure.badRequest("unsupported parse_mode")
        }
        guard visible.utf16.count <= 4096 else { throw Failure.badRequest("message is too long") }
        if p["message_thread_id"] != nil, !(p["message_thread_id"] is NSNumber) { throw Failure.badRequest("message thread not found") }
        return try state.withLock { s in
            if s.blockedChats.contains(chatID) { throw Failure(status: 403, description: "Forbidden: bot was blocked by the user") }
            return true
        }
    }
}
