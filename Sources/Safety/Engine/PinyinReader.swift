import Foundation

/// Reads whole sentences typed in pinyin (`wo zhen de bu xiang huo le`, `woxiangsi`) as the Chinese
/// characters the risk vocabulary uses, from the project's own syllable table
/// (`Resources/lexicon/pinyin.txt`, docs/safety.md "Pinyin"). Only a run of at least three
/// syllables made entirely of pinyin is read, so English (`i want to die`) and single Latin words
/// stay as they are.
struct PinyinReader: Sendable {
    /// Syllable → the character it stands for when no word entry covers it (the table's first).
    private let syllables: [String: String]
    /// Syllable sequences (joined by spaces) → a word (`zi sha` → 自杀), tried longest first.
    private let words: [String: String]
    private let longestWord: Int
    /// English words that happen to split into syllables (`suicide` = sui ci de): never pinyin.
    private let english: Set<String>

    init(syllables: [String: String] = [:], words: [String: String] = [:], english: Set<String> = []) {
        self.syllables = syllables
        self.words = words
        self.english = english
        longestWord = words.keys.map { $0.split(separator: " ").count }.max() ?? 1
    }

    var isEmpty: Bool { syllables.isEmpty }

    /// `word` split into syllables (longest syllable first, backtracking), or nil when it is not
    /// all pinyin. Tone digits (`si3`) are dropped.
    func split(_ word: Substring) -> [String]? {
        if english.contains(String(word)) { return nil }
        let letters = Array(word.filter { !("1"..."5").contains($0) })
        guard !letters.isEmpty, letters.count <= 40, letters.allSatisfy({ ("a"..."z").contains($0) }) else { return nil }
        var memo = [Int: [String]?]()
        func from(_ i: Int) -> [String]? {
            if i == letters.count { return [] }
            if let known = memo[i] { return known }
            var result: [String]?
            for length in stride(from: min(6, letters.count - i), through: 1, by: -1) {
                let piece = String(letters[i..<(i + length)])
                guard syllables[piece] != nil, let rest = from(i + length) else { continue }
                result = [piece] + rest
                break
            }
            memo[i] = result
            return result
        }
        return from(0)
    }

    /// Characters for a run of syllables: the reading with the fewest pieces, where a piece is a
    /// word entry or a lone syllable (its default character). Fewest pieces rather than the longest
    /// word at each point, so `wo you shang hai zi ji le` reads 我有伤害自己了, not 我忧伤孩子几了
    /// (忧伤 would be the longest match at `you`).
    func read(_ run: [String]) -> String {
        let n = run.count
        // best[i]: (pieces, lone syllables, length of the first piece) for run[i...], fewest pieces
        // first, then fewest lone syllables, then the longer word first (`wo zi can le` reads
        // 自残 + 了, not 自 + 掺了).
        var best = [(pieces: Int, lone: Int, first: Int)](repeating: (Int.max, Int.max, 1), count: n + 1)
        best[n] = (0, 0, 0)
        for i in stride(from: n - 1, through: 0, by: -1) {
            let rest = best[i + 1]
            best[i] = (rest.pieces + 1, rest.lone + 1, 1)
            for length in stride(from: min(longestWord, n - i), through: 2, by: -1)
            where words[run[i..<(i + length)].joined(separator: " ")] != nil {
                let after = best[i + length]
                let candidate = (pieces: after.pieces + 1, lone: after.lone)
                if candidate.pieces < best[i].pieces || (candidate.pieces == best[i].pieces && candidate.lone < best[i].lone)
                    || (candidate.pieces == best[i].pieces && candidate.lone == best[i].lone && length > best[i].first) {
                    best[i] = (after.pieces + 1, after.lone, length)
                }
            }
        }
        var out = ""
        var i = 0
        while i < n {
            let length = best[i].first
            if length >= 2, let word = words[run[i..<(i + length)].joined(separator: " ")] {
                out += word
            } else {
                out += syllables[run[i]] ?? ""
            }
            i += max(length, 1)
        }
        return out
    }

    /// Parses `syllable 字…` lines (first character is the default), `syl syl … = 词` lines and
    /// `- word` lines (English words that are never read as pinyin).
    static func parse(_ text: String, file: String) throws(LexiconError) -> PinyinReader {
        var syllables: [String: String] = [:]
        var words: [String: String] = [:]
        var english = Set<String>()
        for (number, line) in LexiconParser.lines(text) {
            if line.hasPrefix("- ") {
                english.insert(line.dropFirst(2).trimmingCharacters(in: .whitespaces))
                continue
            }
            if let equals = line.firstIndex(of: "=") {
                let key = line[..<equals].split(separator: " ").joined(separator: " ")
                let word = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
                guard !key.isEmpty, !word.isEmpty else { throw .syntax(file: file, line: number, message: "expected `syl syl = 词`") }
                words[key] = word
                continue
            }
            let parts = line.split(separator: " ")
            guard parts.count == 2, let first = parts[1].first, parts[0].allSatisfy({ ("a"..."z").contains($0) }) else {
                throw .syntax(file: file, line: number, message: "expected `syllable 字…`")
            }
            if syllables[String(parts[0])] == nil { syllables[String(parts[0])] = String(first) }
        }
        for key in words.keys {
            for syllable in key.split(separator: " ") where syllables[String(syllable)] == nil {
                throw .syntax(file: file, line: 0, message: "word `\(key)` uses `\(syllable)`, which has no syllable line")
            }
        }
        return PinyinReader(syllables: syllables, words: words, english: english)
    }
}
