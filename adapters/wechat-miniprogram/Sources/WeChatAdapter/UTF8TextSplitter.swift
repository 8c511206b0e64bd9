/// Splits text into pieces of at most `maxBytes` UTF-8 bytes for WeChat's customer-service API
/// (community-measured limit 2048 bytes, docs/protocols.md A.12). It cuts at the best boundary in the
/// last half of each piece — paragraph, line, sentence end, clause mark, space — and otherwise at
/// the last whole character, so no character (grapheme cluster) is ever broken. Only a single
/// grapheme longer than `maxBytes` (pathological combining sequences) is cut between its scalars,
/// which still never breaks a UTF-8 sequence.
public struct UTF8TextSplitter: Sendable, Equatable {
    public var maxBytes: Int

    public init(maxBytes: Int = 2048) {
        self.maxBytes = max(maxBytes, 4)
    }

    public func split(_ text: String) -> [String] {
        var pieces: [String] = []
        var rest = Substring(text)
        trimLeading(&rest)
        while rest.utf8.count > maxBytes {
            guard let cut = cutIndex(in: rest) else {
                // Character slicing rounds down to a grapheme boundary, so cut the scalar view.
                let scalars = rest.unicodeScalars
                let at = scalarCut(in: rest)
                pieces.append(String(Substring(scalars[..<at])))
                rest = Substring(scalars[at...])
                continue
            }
            let trimmed = rest[..<cut].reversed().drop(while: \.isWhitespace).reversed()
            if !trimmed.isEmpty { pieces.append(String(trimmed)) }
            rest = rest[cut...]
            trimLeading(&rest)
        }
        let last = rest.reversed().drop(while: \.isWhitespace).reversed()
        if !last.isEmpty { pieces.append(String(last)) }
        return pieces
    }

    /// Break priorities: 4 paragraph, 3 line, 2 sentence end, 1 clause mark, 0 space. Nil when
    /// not even the first character fits.
    private func cutIndex(in text: Substring) -> Substring.Index? {
        var best: [(index: Substring.Index, bytes: Int)?] = Array(repeating: nil, count: 5)
        var bytes = 0
        var end = text.startIndex
        var previous: Character?
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let size = character.utf8.count
            guard bytes + size <= maxBytes else { break }
            bytes += size
            let next = text.index(after: index)
            end = next
            if let priority = Self.priority(of: character, after: previous) {
                // A break goes after the mark, or before the space that follows a Latin sentence end.
                best[priority] = (next, bytes)
            }
            previous = character
            index = next
        }
        if end == text.startIndex { return nil }
        for priority in stride(from: 4, through: 0, by: -1) {
            if let candidate = best[priority], candidate.bytes * 2 >= maxBytes { return candidate.index }
        }
        return best.compactMap { $0 }.max { $0.bytes < $1.bytes }?.index ?? end
    }

    private static func priority(of character: Character, after previous: Character?) -> Int? {
        if character.isNewline { return previous?.isNewline == true ? 4 : 3 }
        if "。！？!?…；;".contains(character) { return character == ";" ? 1 : 2 }
        if character.isWhitespace {
            if let previous, ".!?".contains(previous) { return 2 }
            return 0
        }
        if "，、,：:）)」』".contains(character) { return 1 }
        return nil
    }

    /// The first grapheme alone exceeds the limit: cut it at the last scalar that fits.
    private func scalarCut(in text: Substring) -> Substring.Index {
        var bytes = 0
        var index = text.unicodeScalars.startIndex
        // At least one scalar, so the loop always advances (a scalar is at most 4 bytes).
        while index < text.unicodeScalars.endIndex {
            let size = UTF8.width(text.unicodeScalars[index])
            guard bytes + size <= maxBytes else { break }
            bytes += size
            index = text.unicodeScalars.index(after: index)
        }
        return index
    }

    private func trimLeading(_ text: inout Substring) {
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
    }
}
