import Foundation
import ChatCore

/// Chinese-aware tokens for BM25: for runs of CJK characters, character unigrams and bigrams; for
/// Latin text, lower-cased words (a trailing plural `s` removed). Very common function characters
/// and English stop words are dropped. Colloquial phrases are expanded with a canonical term
/// (`睡不着` also yields the tokens of `失眠`), so different wordings of one worry meet.
public struct RetrievalTokenizer: Sendable {
    public var synonyms: SynonymTable

    public init(synonyms: SynonymTable = .standard) {
        self.synonyms = synonyms
    }

    public func tokens(_ text: String) -> [String] {
        let folded = TextNormalizer.fold(text)
        var out: [String] = []
        out.reserveCapacity(folded.unicodeScalars.count * 2)
        append(folded, to: &out)
        // A topic phrase becomes one feature of its own (`§失眠`), so every wording of the worry
        // meets on the same token, with its own weight.
        for expansion in synonyms.expansions(in: folded) {
            out.append("§" + expansion)
            if expansion.count >= 2 { append(expansion, to: &out) }
        }
        return out
    }

    private func append(_ text: String, to out: inout [String]) {
        var previousCJK: Unicode.Scalar?
        var word = String.UnicodeScalarView()
        func flushWord() {
            guard !word.isEmpty else { return }
            var w = String(word)
            word.removeAll(keepingCapacity: true)
            if w.count > 3, w.hasSuffix("s"), !w.hasSuffix("ss") { w.removeLast() }
            if !Self.englishStopWords.contains(w) { out.append(w) }
        }
        for scalar in text.unicodeScalars {
            if TextNormalizer.isCJK(scalar) {
                flushWord()
                if !Self.cjkStopCharacters.contains(scalar) { out.append(String(scalar)) }
                if let prev = previousCJK {
                    var bigram = String.UnicodeScalarView()
                    bigram.append(prev)
                    bigram.append(scalar)
                    out.append(String(bigram))
                }
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

    static let englishStopWords: Set<String> = [
        "a", "an", "the", "i", "im", "me", "my", "mine", "you", "your", "he", "she", "it", "we", "they", "them",
        "is", "am", "are", "was", "were", "be", "been", "being", "do", "does", "did", "to", "of", "in", "on", "at",
        "for", "with", "and", "or", "but", "so", "if", "that", "this", "these", "those", "have", "has", "had",
        "just", "really", "very", "what", "how", "can", "could", "should", "would", "will", "about", "from", "by",
        "as", "not", "no", "all", "any", "some", "get", "got", "like", "there", "their", "our", "its", "up", "out",
        "t", "s", "m", "ll", "ve", "re", "d", "don", "dont", "tbh", "idk", "lol", "pls", "please",
    ]
}
