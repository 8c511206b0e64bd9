import ChatCore

/// Decides whether a text touches crisis topics (suicide, self-harm, harm to others). Used to keep
/// such pairs out of training data and to flag them in training files: crisis handling belongs to
/// the safety layer, which answers before any model is called, not to forum replies a model
/// imitates. The `Safety` module's detector can be plugged in through this protocol.
public protocol ContentScreen: Sendable {
    /// nil when the text is clear; otherwise a short category (never the text).
    func screen(_ text: String) -> ContentFlag?
    /// The same, given also `TextNormalizer.fold(text)` when the caller has it already.
    func screen(_ text: String, folded: String) -> ContentFlag?
}

extension ContentScreen {
    public func screen(_ text: String, folded: String) -> ContentFlag? { screen(text) }
}

public struct ContentFlag: Sendable, Equatable {
    public var category: String

    public init(category: String) {
        self.category = category
    }
}

/// A conservative keyword screen: it prefers flagging a harmless pair (which is then dropped or
/// listed for review) to letting a crisis answer through. Matching is on folded text
/// (`TextNormalizer.fold`), so Traditional characters and full-width letters are caught. It does
/// not use a bare 死, so 笑死 / 饿死了 / 社死 stay clear; 想死你了 is an explicit exception.
public struct KeywordContentScreen: ContentScreen {
    public struct Term: Sendable {
        public var text: String
        public var category: String
        public var unless: [String]

        public init(_ text: String, _ category: String, unless: [String] = []) {
            self.text = text
            self.category = category
            self.unless = unless
        }
    }

    public let terms: [Term]
    private let folded: [[UInt8]]
    /// Term indices by their first character (packed UTF-8), so a text is screened in one pass.
    private let byFirstCharacter: [UInt32: [Int]]
    /// One bit per low 16 bits of a packed first character: most characters start no term, and
    /// this answers that without hashing.
    private let firstBits: [UInt64]

    public init(terms: [Term] = KeywordContentScreen.defaultTerms) {
        self.terms = terms
        folded = terms.map { Array(TextNormalizer.fold($0.text).utf8) }
        var index: [UInt32: [Int]] = [:]
        for (i, bytes) in folded.enumerated() where !bytes.isEmpty {
            index[Self.packFirst(bytes[...]), default: []].append(i)
        }
        byFirstCharacter = index
        var bits = [UInt64](repeating: 0, count: 1024)
        for key in index.keys { bits[Int(key & 0xFFFF) >> 6] |= 1 << UInt64(key & 63) }
        firstBits = bits
    }

    public func screen(_ text: String) -> ContentFlag? {
        screen(text, folded: Folding.fold(text))
    }

    public func screen(_ text: String, folded text2: String) -> ContentFlag? {
        var copy = text2
        let hit: Int? = copy.withUTF8 { bytes in
            var i = 0
            while i < bytes.count {
                let lead = bytes[i]
                let length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
                let packed = Self.packFirst(bytes[i..<min(bytes.count, i + length)])
                if firstBits[Int(packed & 0xFFFF) >> 6] & (1 << UInt64(packed & 63)) != 0, let candidates = byFirstCharacter[packed] {
                    for c in candidates where matches(folded[c], bytes, at: i) {
                        if terms[c].unless.contains(where: { ByteSearch.contains(text2, $0) }) { continue }
                        return c
                    }
                }
                i += length
            }
            return nil
        }
        return hit.map { ContentFlag(category: terms[$0].category) }
    }

    private func matches(_ term: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool {
        guard i + term.count <= bytes.count else { return false }
        for k in 0..<term.count where bytes[i + k] != term[k] { return false }
        return true
    }

    private static func packFirst(_ bytes: some Collection<UInt8>) -> UInt32 {
        let lead = bytes.first ?? 0
        let length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        var value: UInt32 = 0
        for byte in bytes.prefix(length) { value = value << 8 | UInt32(byte) }
        return value
    }

    public static let defaultTerms: [Term] = {
        let suicide = [
            "自杀", "轻生", "自尽", "寻死", "不想活", "活不下去", "结束生命", "结束自己", "了结自己", "了断自己", "一了百了",
            "割腕", "割脉", "跳河", "跳江", "跳桥", "上吊", "烧炭", "服毒", "喝农药", "吞药", "吃安眠药", "安眠药",
            "遗书", "紫砂", "殉情", "去死", "suicide", "kill myself", "end my life", "overdose",
        ].map { Term($0, "suicide") }
        let wish = [
            Term("想死", "suicide", unless: ["想死你", "想死我了", "想死他"]),
            Term("跳楼", "suicide", unless: ["跳楼价", "跳楼甩卖", "跳楼大甩卖"]),
        ]
        let selfHarm = ["自残", "自伤", "伤害自己", "划自己", "self-harm", "self harm", "cutting myself"].map { Term($0, "self-harm") }
        let others = ["杀人", "杀了他", "杀了她", "报复社会", "同归于尽", "弄死他", "弄死她"].map { Term($0, "harm-to-others") }
        return suicide + wish + selfHarm + others
    }()
}

import Foundation
