import ChatCore
import Foundation

/// Chinese-aware tokens for BM25: for runs of CJK characters, character unigrams and bigrams; for
/// Latin text, lower-cased words (a trailing plural `s` removed). Very common function characters
/// and English stop words are dropped. Colloquial phrases add a topic feature and the topic word's
/// own tokens (`睡不着` also yields `§失眠`, `失`, `眠`, `失眠`), so different wordings of one
/// worry meet.
///
/// Tokens are produced as 64-bit feature ids (`features`), so indexing a large corpus allocates no
/// strings; `tokens` gives the same tokens as text, for tests and debugging.
public struct RetrievalTokenizer: Sendable {
    public enum Token: Equatable {
        case unigram(Unicode.Scalar)
        case bigram(Unicode.Scalar, Unicode.Scalar)
        case word(String)
        case topic(Int)
    }

    public var synonyms: SynonymTable

    public init(synonyms: SynonymTable = .standard) {
        self.synonyms = synonyms
    }

    /// Feature ids of the text's tokens (with repetition, in order).
    public func features(_ text: String) -> [UInt64] {
        var out: [UInt64] = []
        out.reserveCapacity(text.unicodeScalars.count * 2 + 4)
        visit(text) { token in out.append(Self.id(token)) }
        return out
    }

    /// The tokens as readable strings (topic features as `§name`).
    public func tokens(_ text: String) -> [String] {
        var out: [String] = []
        visit(text) { token in
            switch token {
            case .unigram(let a): out.append(String(a))
            case .bigram(let a, let b): out.append(String(a) + String(b))
            case .word(let w): out.append(w)
            case .topic(let g): out.append("§" + synonyms.groups[g].canonical)
            }
        }
        return out
    }

    static func id(_ token: Token) -> UInt64 {
        switch token {
        case .unigram(let a): return 1 << 60 | UInt64(a.value)
        case .bigram(let a, let b): return 2 << 60 | UInt64(a.value) << 21 | UInt64(b.value)
        case .word(let w): return 3 << 60 | (fnv1a(w) & 0x0FFF_FFFF_FFFF_FFFF)
        case .topic(let g): return 4 << 60 | UInt64(g)
        }
    }

    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }

    private func visit(_ text: String, _ emit: (Token) -> Void) {
        let folded = TextNormalizer.fold(text)
        scan(folded, emit)
        for group in synonyms.expansionGroups(in: folded) {
            emit(.topic(group))
            let canonical = synonyms.groups[group].canonical
            if canonical.count >= 2 { scan(TextNormalizer.fold(canonical), emit) }
        }
    }

    private func scan(_ text: String, _ emit: (Token) -> Void) {
        var previousCJK: Unicode.Scalar?
        var word = String.UnicodeScalarView()
        func flushWord() {
            guard !word.isEmpty else { return }
            var w = String(word)
            word.removeAll(keepingCapacity: true)
            if w.count > 3, w.hasSuffix("s"), !w.hasSuffix("ss") { w.removeLast() }
            if !Self.englishStopWords.contains(w) { emit(.word(w)) }
        }
        for scalar in text.unicodeScalars {
            if TextNormalizer.isCJK(scalar) {
                flushWord()
                if !Self.isStopCharacter(scalar) { emit(.unigram(scalar)) }
                if let prev = previousCJK { emit(.bigram(prev, scalar)) }
                previousCJK = scalar
            } else if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                previousCJK = nil
                word.append(scalar)
            } else {
                previousCJK = nil
                flushWord()
            }
        }
        flushWord()
    }

    /// Characters so frequent that as unigrams they carry no topic (their bigrams still count).
    static let cjkStopCharacters: Set<Unicode.Scalar> = Set("的了是我你他她它们在有和就都也很吗呢吧啊呀嘛么个这那一不没要会能说吃着过还又把被让给对从到为与及或而且但所以如果因为什么怎么样啥哪里".unicodeScalars)

    /// `cjkStopCharacters` as a bit table over the main CJK block.
    private static let stopTable: [Bool] = {
        var table = [Bool](repeating: false, count: 0x9FFF - 0x4E00 + 1)
        for scalar in cjkStopCharacters where (0x4E00...0x9FFF).contains(scalar.value) { table[Int(scalar.value - 0x4E00)] = true }
        return table
    }()

    @inline(__always)
    static func isStopCharacter(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v >= 0x4E00 && v <= 0x9FFF ? stopTable[Int(v - 0x4E00)] : cjkStopCharacters.contains(scalar)
    }

    static let englishStopWords: Set<String> = [
        "a", "an", "the", "i", "im", "me", "my", "mine", "you", "your", "he", "she", "it", "we", "they", "them",
        "is", "am", "are", "was", "were", "be", "been", "being", "do", "does", "did", "to", "of", "in", "on", "at",
        "for", "with", "and", "or", "but", "so", "if", "that", "this", "these", "those", "have", "has", "had",
        "just", "really", "very", "what", "how", "can", "could", "should", "would", "will", "about", "from", "by",
        "as", "not", "no", "all", "any", "some", "get", "got", "like", "there", "their", "our", "its", "up", "out",
        "t", "s", "m", "ll", "ve", "re", "d", "don", "dont", "tbh", "idk", "lol", "pls", "please",
    ]
}
