import Foundation

/// Splits text into pieces of at most `limit` UTF-16 code units (B.6: counting UTF-16 is safe
/// whether Telegram counts units or scalars). Cuts prefer, in order: a blank line, a line break, the
/// end of a sentence (`。！？.!?`, with any closing quotes), a space, and only then any grapheme
/// boundary. A cut never falls inside a grapheme cluster, so never inside a surrogate pair either.
/// Pieces keep their order; whitespace at a cut is dropped; no piece is empty.
public enum TelegramTextSplitter {
    public static let telegramLimit = 4096

    public static func split(_ text: String, limit: Int = telegramLimit) -> [String] {
        precondition(limit >= 16, "limit too small to split sensibly")
        var pieces: [String] = []
        var rest = Substring(text)
        while true {
            rest = rest.drop { $0.isWhitespace }
            guard !rest.isEmpty else { break }
            if rest.utf16.count <= limit {
                pieces.append(trimmed(rest))
                break
            }
            let cut = cutIndex(in: rest, limit: limit)
            // Sliced by scalars: the pathological cut inside one cluster is not a Character
            // boundary, and Character slicing would round it away.
            let piece = trimmed(Substring(rest.unicodeScalars[..<cut]))
            if !piece.isEmpty { pieces.append(piece) }
            rest = Substring(rest.unicodeScalars[cut...])
        }
        return pieces
    }

    /// Drops whitespace at both ends (native, without bridging to NSString: this runs per reply).
    static func trimmed(_ text: Substring) -> String {
        var slice = text.drop { $0.isWhitespace }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }

    /// Where to end the next piece: a Character boundary at most `limit` UTF-16 units in.
    static func cutIndex(in text: Substring, limit: Int) -> String.Index {
        enum Tier: Int, CaseIterable { case paragraph, line, sentence, space }
        var best: [Tier: String.Index] = [:]
        var lastFit = text.startIndex
        var units = 0
        var previous: Character?
        // True while the text so far ends a sentence, possibly followed by closing quotes.
        var sentenceEnded = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let width = character.utf16.count
            if units + width > limit { break }
            units += width
            let next = text.index(after: index)
            lastFit = next
            // Boundaries are recorded after `character`, i.e. at `next`; later ones win.
            if character == "\n" || character == "\r\n" {
                if previous == "\n" || previous == "\r\n" { best[.paragraph] = next } else { best[.line] = next }
            } else if character.isWhitespace {
                best[sentenceEnded ? .sentence : .space] = next
            } else if isFullWidthSentenceEnd(character) || (isClosing(character) && sentenceEnded) {
                best[.sentence] = next
            }
            sentenceEnded = isSentenceEnd(character) || (isClosing(character) && sentenceEnded)
            previous = character
            index = next
        }
        if lastFit == text.startIndex {
            // One grapheme cluster longer than the limit (pathological combining marks): cut it at a
            // scalar boundary so no surrogate pair is broken, the only option left.
            return scalarCut(in: text, limit: limit)
        }
        let half = text.utf16.distance(from: text.startIndex, to: lastFit) / 2
        for tier in Tier.allCases {
            if let at = best[tier], text.utf16.distance(from: text.startIndex, to: at) >= half { return at }
        }
        for tier in Tier.allCases {
            if let at = best[tier] { return at }
        }
        return lastFit
    }

    static func scalarCut(in text: Substring, limit: Int) -> String.Index {
        var units = 0
        var index = text.unicodeScalars.startIndex
        while index < text.unicodeScalars.endIndex {
            let width = UTF16.width(text.unicodeScalars[index])
            if units + width > limit { break }
            units += width
            index = text.unicodeScalars.index(after: index)
        }
        return index
    }

    /// `.`, `!` and `?` end a sentence only before whitespace (so `3.5` and `example.com` stay
    /// whole); the full-width marks end one anywhere.
    static func isSentenceEnd(_ c: Character) -> Bool {
        c == "." || c == "!" || c == "?" || c == "…" || isFullWidthSentenceEnd(c)
    }

    static func isFullWidthSentenceEnd(_ c: Character) -> Bool {
        c == "。" || c == "！" || c == "？" || c == "；"
    }

    static func isClosing(_ c: Character) -> Bool {
        c == "”" || c == "’" || c == "」" || c == "』" || c == "）" || c == ")" || c == "\"" || c == "'"
    }
}
