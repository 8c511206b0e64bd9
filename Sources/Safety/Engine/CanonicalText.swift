import ChatCore

/// A message folded for matching, with the structure the rules need. Obfuscation is undone here:
/// separators between Chinese characters disappear (`自 杀`, `自.杀` → `自杀`), Latin words keep one
/// space between them, letters spelled out one by one are joined (`s u i c i d e`), digits inside
/// Latin words read as letters (`su1c1de`), emoji read as words, and slang becomes its plain form
/// (`紫砂` → `自杀`). Sentence and clause numbers keep what punctuation said, for the scope of
/// negation, subjects and frames.
struct CanonicalText: Sendable {
    var scalars: [Unicode.Scalar] = []
    /// Word index of each scalar: one per Chinese character, one per Latin word.
    var units: [Int32] = []
    var clauses: [Int32] = []
    var sentences: [Int32] = []
    /// Whether each scalar stands inside 《title marks》 (a book, film or song); empty when none does.
    var inTitle: [Bool] = []
    /// Sentences that ended with a question mark (the mark itself is not kept).
    var questions: Set<Int32> = []

    var count: Int { scalars.count }

    func isTitle(_ index: Int) -> Bool { index < inTitle.count && inTitle[index] }

    /// Appends one scalar with the structure of position `index` in `source`.
    @inline(__always)
    mutating func append(_ scalar: Unicode.Scalar, like index: Int, of source: CanonicalText) {
        scalars.append(scalar)
        clauses.append(source.clauses[index])
        sentences.append(source.sentences[index])
        if !source.inTitle.isEmpty {
            if inTitle.count < scalars.count - 1 { inTitle += repeatElement(false, count: scalars.count - 1 - inTitle.count) }
            inTitle.append(source.inTitle[index])
        }
    }

    /// Appends `other` as following sentences (used to read a session's recent turns together).
    mutating func append(_ other: CanonicalText) {
        if !scalars.isEmpty {
            // A space keeps the last word of one message from running into the first of the next.
            scalars.append(" ")
            units.append(units.last ?? 0)
            clauses.append(clauses.last ?? 0)
            sentences.append(sentences.last ?? 0)
        }
        let unitShift = (units.last ?? -1) + 2
        let clauseShift = (clauses.last ?? -1) + 1
        let sentenceShift = (sentences.last ?? -1) + 1
        if !inTitle.isEmpty || !other.inTitle.isEmpty {
            inTitle += repeatElement(false, count: scalars.count - inTitle.count)
            inTitle += other.inTitle.isEmpty ? Array(repeating: false, count: other.scalars.count) : other.inTitle
        }
        questions.formUnion(other.questions.map { $0 + sentenceShift })
        scalars += other.scalars
        units += other.units.map { $0 + unitShift }
        clauses += other.clauses.map { $0 + clauseShift }
        sentences += other.sentences.map { $0 + sentenceShift }
    }

    /// Units strictly between the end of one span and the start of the next.
    @inline(__always)
    func gap(afterEnd end: Int, toStart start: Int) -> Int {
        guard end > 0, start < units.count else { return 0 }
        return Int(units[start] - units[end - 1]) - 1
    }

    @inline(__always)
    static func isWord(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return (0x61...0x7A).contains(v) || (0x30...0x39).contains(v) }
        return v < 0x2E80 && s.properties.isAlphabetic
    }

    @inline(__always)
    static func isIdeograph(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return TextNormalizer.isCJK(s) || (0x3040...0x30FF).contains(v) || (0xAC00...0xD7AF).contains(v)
    }

    static func isSentenceMark(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "。", "！", "？", "!", "?", "\n", "｡": true
        default: false
        }
    }

    static func isClauseMark(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "，", ",", "、", "；", ";", "：", ":", "（", "）", "(", ")", "「", "」", "『", "』", "“", "”", "\"",
             "《", "》", "【", "】", "…", "—", "～", "~", "‘", "’":
            true
        default: false
        }
    }
}
