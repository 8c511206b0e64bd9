import ChatCore

/// Turns text into `CanonicalText`. Built once from the lexicon's variants.
struct Canonicalizer: Sendable {
    private let emoji: [Unicode.Scalar: [Unicode.Scalar]]
    /// One character read as another (Traditional forms the shared folding leaves alone: 剛 → 刚).
    private let characters: [Unicode.Scalar: Unicode.Scalar]
    private let characterBits: ScalarBits
    private let variants: PhraseMatcher
    private let plain: [[Unicode.Scalar]]
    private let wordOnly: [Bool]
    private let pinyinReader: PinyinReader

    init(variants list: [Lexicon.Variant], pinyin: PinyinReader = PinyinReader()) {
        var emoji: [Unicode.Scalar: [Unicode.Scalar]] = [:]
        var characters: [Unicode.Scalar: Unicode.Scalar] = [:]
        var forms: [[Unicode.Scalar]] = []
        var plain: [[Unicode.Scalar]] = []
        var wordOnly: [Bool] = []
        let bare = Canonicalizer(emoji: [:], characters: [:], variants: PhraseMatcher(phrases: []), plain: [], wordOnly: [], pinyin: PinyinReader())
        // A character that is also part of a longer form (唔 in 唔好, 唔使) is read as a phrase, not
        // through the character table: the table applies first, and 唔好 would then never be seen
        // (it read 不好 instead of 不要).
        let inLongerForms = Set(list.flatMap { variant -> [Unicode.Scalar] in
            let scalars = Array(variant.form.unicodeScalars)
            return scalars.count > 1 ? scalars : []
        })
        for variant in list {
            let form = Array(variant.form.unicodeScalars.filter { $0.value != 0xFE0F })
            let replacement = Array(TextNormalizer.fold(variant.plain).unicodeScalars)
            if form.count == 1, let only = form.first, !CanonicalText.isWord(only), !CanonicalText.isIdeograph(only) {
                emoji[only] = replacement
                continue
            }
            if form.count == 1, let only = form.first, CanonicalText.isIdeograph(only), replacement.count == 1, let to = replacement.first,
               !inLongerForms.contains(only) {
                characters[only] = to
                continue
            }
            forms.append(bare.canonicalize(variant.form).scalars)
            plain.append(bare.canonicalize(variant.plain).scalars)
            wordOnly.append(variant.wordOnly)
        }
        self.init(emoji: emoji, characters: characters, variants: PhraseMatcher(phrases: forms), plain: plain, wordOnly: wordOnly, pinyin: pinyin)
    }

    private init(
        emoji: [Unicode.Scalar: [Unicode.Scalar]], characters: [Unicode.Scalar: Unicode.Scalar], variants: PhraseMatcher,
        plain: [[Unicode.Scalar]], wordOnly: [Bool], pinyin: PinyinReader
    ) {
        self.pinyinReader = pinyin
        self.emoji = emoji
        self.characters = characters
        self.characterBits = ScalarBits(characters.keys)
        self.variants = variants
        self.plain = plain
        self.wordOnly = wordOnly
    }

    private enum Kind { case ideograph, word, space }

    func canonicalize(_ text: String) -> CanonicalText {
        let input = Array(TextNormalizer.fold(text).unicodeScalars)
        var out = CanonicalText()
        out.scalars.reserveCapacity(input.count)
        var clause: Int32 = 0
        var sentence: Int32 = 0
        var separated = false
        var lastKind: Kind?
        var lastWasWord = false
        var inTitle = false
        var questions = Set<Int32>()

        func push(_ scalar: Unicode.Scalar) {
            out.scalars.append(scalar)
            out.clauses.append(clause)
            out.sentences.append(sentence)
            if !out.inTitle.isEmpty || inTitle {
                out.inTitle += repeatElement(false, count: out.scalars.count - 1 - out.inTitle.count)
                out.inTitle.append(inTitle)
            }
        }

        func emit(_ scalar: Unicode.Scalar) {
            let kind: Kind = CanonicalText.isWord(scalar) ? .word : .ideograph
            if kind == .word, lastWasWord, separated || lastKind == nil { push(" ") }
            separated = false
            lastKind = kind
            lastWasWord = kind == .word
            push(scalar)
        }

        func boundary(sentenceEnds: Bool) {
            guard lastKind != nil else { return }
            if sentenceEnds { sentence += 1 }
            clause += 1
            separated = false
            lastKind = nil
        }

        for (index, original) in input.enumerated() {
            // The bitmap and the range answer "not in the table" for almost every scalar without
            // hashing it (two dictionary lookups per scalar were a visible part of the detector's time).
            let scalar = characterBits.contains(original) ? characters[original] ?? original : original
            let next: Unicode.Scalar? = index + 1 < input.count ? input[index + 1] : nil
            if (0xC0..<0x250).contains(scalar.value), let plain = Self.pinyin[scalar] {
                emit(plain)  // 想 sǐ 了 → 想si了: tone marks are dropped
            } else if CanonicalText.isWord(scalar) || CanonicalText.isIdeograph(scalar) {
                emit(scalar)
            } else if scalar == "!", lastKind == .word, !separated, let next, ("a"..."z").contains(next) {
                emit("i")  // k!ll
            } else if scalar == "《" || scalar == "》" {
                boundary(sentenceEnds: false)
                inTitle = scalar == "《"
            } else if let words = emoji[scalar] {
                for s in words { emit(s) }
            } else if (scalar == "@" || scalar == "$"), let next, ("a"..."z").contains(next) {
                emit(scalar == "@" ? "a" : "s")  // leetspeak: $uicide, k@ll
            } else if scalar == "'" || scalar == "’", lastKind == .word, !separated, let next, CanonicalText.isWord(next) {
                continue  // don't → dont, i'm → im: terms are folded the same way
            } else if scalar == "." {
                // A full stop ends a sentence; a dot inside a word (s.u.i.c.i.d.e, 3.5) only separates.
                if let next, CanonicalText.isWord(next) { separated = true } else { boundary(sentenceEnds: true) }
            } else if CanonicalText.isSentenceMark(scalar) {
                // The question mark goes, the question stays: a per-sentence flag.
                if scalar == "?" || scalar == "？", let last = out.sentences.last { questions.insert(last) }
                boundary(sentenceEnds: true)
            } else if CanonicalText.isClauseMark(scalar) {
                boundary(sentenceEnds: false)
            } else if Self.isEmoji(scalar) {
                // An emoji the table does not name stays as itself (😂, 🤣, 🙃): laughter and
                // irony must reach the joke context, and the classifier sees it as a token.
                emit(scalar)
            } else {
                separated = true
            }
        }
        joinSpelledOut(&out)
        readLeetspeak(&out)
        applyVariants(&out)
        // After the variants, so a form they produce (`sewer slide` → `suicide`) is read the
        // same way as the lexicon's own terms.
        if !pinyinReader.isEmpty { readPinyin(&out) }
        assignUnits(&out)
        out.questions = questions
        return out
    }

    /// Emoji proper, not the modifiers, joiners and selectors that build sequences.
    private static func isEmoji(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        guard v >= 0x2190, !(0x1F3FB...0x1F3FF).contains(v), v != 0x200D, v != 0x20E3, !(0xFE00...0xFE0F).contains(v) else { return false }
        return s.properties.isEmojiPresentation || (s.properties.isEmoji && v >= 0x2600)
    }

    /// Runs of Latin words in one sentence that are all pinyin (three syllables or more) become the
    /// characters `PinyinReader` reads them as. A lone tone digit (`si 3` after `si3` was split)
    /// belongs to the run.
    private func readPinyin(_ text: inout CanonicalText) {
        let s = text.scalars
        var words: [(start: Int, end: Int, syllables: [String]?)] = []
        var i = 0
        while i < s.count {
            guard CanonicalText.isWord(s[i]) else { i += 1; continue }
            var j = i
            while j < s.count, CanonicalText.isWord(s[j]) { j += 1 }
            let word = String(String.UnicodeScalarView(s[i..<j]))
            let isTone = j == i + 1 && ("1"..."5").contains(s[i])
            words.append((i, j, isTone ? [] : pinyinReader.split(Substring(word))))
            i = j
        }
        // A sentence is read as pinyin only when most of its Latin words are pinyin: English that
        // happens to hold a few syllable-shaped words (`made a list of who gets what`) stays English.
        var latinWords: [Int32: (all: Int, pinyin: Int)] = [:]
        for word in words where s[word.start..<word.end].allSatisfy({ $0.isASCII && $0.properties.isAlphabetic || ("0"..."9").contains($0) }) {
            let sentence = text.sentences[word.start]
            var count = latinWords[sentence] ?? (0, 0)
            count.all += 1
            if let syllables = word.syllables, !syllables.isEmpty { count.pinyin += 1 }
            latinWords[sentence] = count
        }
        var replacements: [(start: Int, end: Int, chars: String)] = []
        var k = 0
        while k < words.count {
            guard words[k].syllables != nil else { k += 1; continue }
            if let count = latinWords[text.sentences[words[k].start]], count.pinyin * 2 <= count.all {
                k += 1
                continue
            }
            var m = k
            var run: [String] = []
            while m < words.count, let syllables = words[m].syllables {
                if m > k {
                    let between = s[words[m - 1].end..<words[m].start]
                    guard between.allSatisfy({ $0 == " " }), text.sentences[words[m].start] == text.sentences[words[k].start] else { break }
                }
                run += syllables
                m += 1
            }
            if run.count >= 3 { replacements.append((words[k].start, words[m - 1].end, pinyinReader.read(run))) }
            k = max(m, k + 1)
        }
        guard !replacements.isEmpty else { return }
        var out = CanonicalText()
        var position = 0
        for r in replacements {
            while position < r.start {
                out.append(s[position], like: position, of: text)
                position += 1
            }
            for c in r.chars.unicodeScalars { out.append(c, like: r.start, of: text) }
            position = r.end
        }
        while position < s.count {
            out.append(s[position], like: position, of: text)
            position += 1
        }
        text = out
    }

    /// Pinyin vowels with tone marks, read without them (all between U+00C0 and U+024F).
    private static let pinyin: [Unicode.Scalar: Unicode.Scalar] = {
        var table: [Unicode.Scalar: Unicode.Scalar] = [:]
        for (base, marked) in [("a", "āáǎà"), ("e", "ēéěè"), ("i", "īíǐì"), ("o", "ōóǒò"), ("u", "ūúǔù"), ("u", "ǖǘǚǜü")] {
            for s in marked.unicodeScalars { table[s] = Unicode.Scalar(base) }
        }
        return table
    }()

    /// `s u i c i d e` → `suicide`: four or more single letters in a row, one space apart, are one word.
    private func joinSpelledOut(_ text: inout CanonicalText) {
        let s = text.scalars
        guard s.count >= 7 else { return }
        var singles: [Int] = []  // positions of one-letter words
        var i = 0
        while i < s.count {
            guard CanonicalText.isWord(s[i]) else { i += 1; continue }
            var j = i
            while j < s.count, CanonicalText.isWord(s[j]) { j += 1 }
            if j == i + 1 { singles.append(i) }
            i = j
        }
        guard singles.count >= 4 else { return }
        var remove = [Bool](repeating: false, count: s.count)
        var any = false
        var runStart = 0
        for k in 1...singles.count {
            let continues = k < singles.count && singles[k] == singles[k - 1] + 2 && s[singles[k] - 1] == " "
            if continues { continue }
            if k - runStart >= 4 {
                for m in runStart..<(k - 1) { remove[singles[m] + 1] = true }
                any = true
            }
            runStart = k
        }
        guard any else { return }
        text = filtered(text) { !remove[$0] }
    }

    /// Digits between letters read as letters (`su1c1de`, `k1ll`); digits still touching letters
    /// after that are split off as their own word (`50mg` → `50 mg`), so doses stay readable.
    private func readLeetspeak(_ text: inout CanonicalText) {
        let n = text.scalars.count
        var splits: [Int] = []
        var start = 0
        while start < n {
            guard CanonicalText.isWord(text.scalars[start]) else { start += 1; continue }
            var end = start
            while end < n, CanonicalText.isWord(text.scalars[end]) { end += 1 }
            if end - start >= 3 {
                for k in (start + 1)..<(end - 1) where Self.isDigit(text.scalars[k]) {
                    guard Self.isLetter(text.scalars[k - 1]) || Self.isLetter(text.scalars[k + 1]) else { continue }
                    guard text.scalars[start..<end].contains(where: Self.isLetter), Self.isLetter(text.scalars[end - 1]) || Self.isLetter(text.scalars[start]) else { continue }
                    let before = text.scalars[start..<k].contains(where: Self.isLetter)
                    let after = text.scalars[(k + 1)..<end].contains(where: Self.isLetter)
                    guard before, after else { continue }
                    switch text.scalars[k] {
                    case "0": text.scalars[k] = "o"
                    case "1": text.scalars[k] = "i"
                    case "3": text.scalars[k] = "e"
                    case "4": text.scalars[k] = "a"
                    case "5": text.scalars[k] = "s"
                    case "7": text.scalars[k] = "t"
                    default: break
                    }
                }
            }
            for k in (start + 1)..<max(end, start + 1) where Self.isDigit(text.scalars[k]) != Self.isDigit(text.scalars[k - 1]) {
                splits.append(k)
            }
            start = end
        }
        guard !splits.isEmpty else { return }
        var out = CanonicalText()
        var next = 0
        for i in 0..<n {
            if next < splits.count, splits[next] == i {
                out.append(" ", like: i, of: text)
                next += 1
            }
            out.append(text.scalars[i], like: i, of: text)
        }
        text = out
    }

    private static func isDigit(_ s: Unicode.Scalar) -> Bool { ("0"..."9").contains(s) }
    private static func isLetter(_ s: Unicode.Scalar) -> Bool { CanonicalText.isWord(s) && !isDigit(s) }

    /// Slang and obfuscated spellings become their plain form, leftmost-longest, no overlaps.
    private func applyVariants(_ text: inout CanonicalText) {
        guard variants.phraseCount > 0 else { return }
        var chosen: [PhraseMatcher.Match] = []
        var found = variants.matches(in: text.scalars)
        guard !found.isEmpty else { return }
        found.sort { $0.start != $1.start ? $0.start < $1.start : $0.end > $1.end }
        var covered = 0
        for match in found where match.start >= covered {
            if wordOnly[match.phrase] {
                if match.start > 0, CanonicalText.isWord(text.scalars[match.start - 1]) { continue }
                if match.end < text.count, CanonicalText.isWord(text.scalars[match.end]) { continue }
            }
            chosen.append(match)
            covered = match.end
        }
        guard !chosen.isEmpty else { return }
        var out = CanonicalText()
        out.scalars.reserveCapacity(text.count)
        var position = 0
        for match in chosen {
            while position < match.start {
                out.append(text.scalars[position], like: position, of: text)
                position += 1
            }
            for s in plain[match.phrase] { out.append(s, like: match.start, of: text) }
            position = match.end
        }
        while position < text.count {
            out.append(text.scalars[position], like: position, of: text)
            position += 1
        }
        text = out
    }

    private func assignUnits(_ text: inout CanonicalText) {
        text.units = []
        text.units.reserveCapacity(text.count)
        var unit: Int32 = -1
        var previousWord = false
        for s in text.scalars {
            if s == " " {
                previousWord = false
            } else if CanonicalText.isWord(s) {
                if !previousWord { unit += 1 }
                previousWord = true
            } else {
                unit += 1
                previousWord = false
            }
            text.units.append(max(unit, 0))
        }
    }

    private func filtered(_ text: CanonicalText, keep: (Int) -> Bool) -> CanonicalText {
        var out = CanonicalText()
        for i in 0..<text.count where keep(i) { out.append(text.scalars[i], like: i, of: text) }
        return out
    }
}
