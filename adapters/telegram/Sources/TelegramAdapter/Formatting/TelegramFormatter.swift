import ChatCore
import Foundation

/// How replies are marked up. Model output is never trusted as markup: in HTML mode every
/// character of it is escaped, and only the formatter's own tags are markup.
public enum TelegramParseMode: String, Sendable, Equatable, CaseIterable {
    /// No `parse_mode`: what the model wrote is shown literally (the default).
    case plain
    /// `parse_mode: HTML`: the answer escaped, the resource line in bold, the disclaimer in italics.
    case html
}

/// One `sendMessage` text.
public struct TelegramOutgoingText: Sendable, Equatable {
    public var text: String
    /// `"HTML"` or nil.
    public var parseMode: String?
    /// The same message without markup, sent if Telegram rejects the markup (B.7: "can't parse
    /// entities" → resend without `parse_mode`).
    public var plainText: String
}

/// Turns a `Reply` into Telegram messages within the 4096-unit limit (B.6). Splitting happens on
/// the plain text (the limit counts text after markup is parsed away); each piece is escaped on
/// its own, so a tag or an entity is never cut.
public struct TelegramFormatter: Sendable {
    public var parseMode: TelegramParseMode
    public var limit: Int

    public init(parseMode: TelegramParseMode = .plain, limit: Int = TelegramTextSplitter.telegramLimit) {
        self.parseMode = parseMode
        self.limit = limit
    }

    enum Style: Equatable { case body, bold, italic }

    struct Piece {
        var text: String
        var style: Style
    }

    public func messages(for reply: Reply) -> [TelegramOutgoingText] {
        let blocks: [(String?, Style)] = [(reply.body, .body), (reply.resourceLine, .bold), (reply.disclaimer, .italic)]
        var pieces: [Piece] = []
        for case (let text?, let style) in blocks {
            for part in TelegramTextSplitter.split(text, limit: limit) { pieces.append(Piece(text: part, style: style)) }
        }
        return pack(pieces).map(render)
    }

    /// Formats loose text (fixed messages from the CLI and tests) the same way.
    public func messages(for text: String) -> [TelegramOutgoingText] {
        pack(TelegramTextSplitter.split(text, limit: limit).map { Piece(text: $0, style: .body) }).map(render)
    }

    /// Greedily joins pieces with blank lines while they fit, keeping order.
    func pack(_ pieces: [Piece]) -> [[Piece]] {
        var messages: [[Piece]] = []
        var current: [Piece] = []
        var units = 0
        for piece in pieces {
            let width = piece.text.utf16.count
            if !current.isEmpty, units + 2 + width <= limit {
                current.append(piece)
                units += 2 + width
            } else {
                if !current.isEmpty { messages.append(current) }
                current = [piece]
                units = width
            }
        }
        if !current.isEmpty { messages.append(current) }
        return messages
    }

    func render(_ pieces: [Piece]) -> TelegramOutgoingText {
        let plain = pieces.map(\.text).joined(separator: "\n\n")
        switch parseMode {
        case .plain:
            return TelegramOutgoingText(text: plain, parseMode: nil, plainText: plain)
        case .html:
            let html = pieces.map { piece -> String in
                let escaped = Self.escapeHTML(piece.text)
                switch piece.style {
                case .body: return escaped
                case .bold: return "<b>" + escaped + "</b>"
                case .italic: return "<i>" + escaped + "</i>"
                }
            }.joined(separator: "\n\n")
            return TelegramOutgoingText(text: html, parseMode: "HTML", plainText: plain)
        }
    }

    /// Escapes the three characters Telegram's HTML mode requires (B.7) plus `"`, so escaped text is
    /// also safe inside an attribute.
    public static func escapeHTML(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
