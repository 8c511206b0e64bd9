import ChatCore

/// The content screen's one pass over a text: every pattern of `TrainingRiskPatterns` found at
/// once by a `MultiPatternMatcher`, on folded text with separators skipped (`自 杀`, `自.杀` and
/// `s u i c i d e` read as one word, as the safety detector reads them). It answers two things:
/// whether the text must be left out of training data whatever anyone's risk (method details,
/// doses, lethality, encouragement, romanticising), and whether it mentions anything the safety
/// detector could call a crisis, so that the detector — whose work grows with the text — only
/// reads the few texts that do.
public struct TrainingRiskScan: Sendable {
    public struct Verdict: Sendable, Equatable {
        /// A category when the text is rejected on the scan alone.
        public var reject: String?
        /// The text mentions something the detector should read.
        public var candidate: Bool
    }

    private enum Role: Sendable {
        case reject(String)
        case candidate
        case spare
        case near(rule: Int, side: Int)
    }

    private let matcher: MultiPatternMatcher
    private let roles: [Role]
    /// Pattern lengths in scanned scalars (separators do not count).
    private let lengths: [Int]
    private let nearRules: [TrainingRiskPatterns.Near]
    /// One bit per low 16 bits of each pattern's first character (packed UTF-8): between matches
    /// the automaton is at its start, and a character that starts no pattern leaves it there, so
    /// most characters of an innocent text are passed over without stepping through the table.
    private let firstBits: [UInt64]

    public init(patterns: TrainingRiskPatterns = .standard) {
        var bytes: [[UInt8]] = []
        var roles: [Role] = []
        var lengths: [Int] = []
        func add(_ term: String, _ role: Role) {
            let scalars = Self.scannedScalars(TextNormalizer.fold(term))
            guard !scalars.isEmpty else { return }
            var encoded: [UInt8] = []
            for scalar in scalars {
                if let utf8 = UTF8.encode(scalar) { encoded.append(contentsOf: utf8) }
            }
            bytes.append(encoded)
            roles.append(role)
            lengths.append(scalars.count)
        }
        for (category, terms) in patterns.reject { for term in terms { add(term, .reject(category)) } }
        for term in patterns.candidates { add(term, .candidate) }
        for term in patterns.spare { add(term, .spare) }
        for (index, rule) in patterns.near.enumerated() {
            for term in rule.first { add(term, .near(rule: index, side: 0)) }
            for term in rule.second { add(term, .near(rule: index, side: 1)) }
        }
        matcher = MultiPatternMatcher(patterns: bytes)
        var bits = [UInt64](repeating: 0, count: 1024)
        for pattern in bytes {
            let key = pattern.withUnsafeBufferPointer { Self.key($0, at: 0, length: Self.length(of: $0[0])) }
            bits[key >> 6] |= 1 << UInt64(key & 63)
        }
        firstBits = bits
        self.roles = roles
        self.lengths = lengths
        nearRules = patterns.near
    }

    /// Scans text already folded (`Folding.fold` / `TextNormalizer.fold`).
    public func scan(folded: String) -> Verdict {
        var text = folded
        return text.withUTF8 { scan(bytes: $0) }
    }

    private struct Hit {
        var pattern: Int
        var start: Int
        var end: Int
    }

    private func scan(bytes: UnsafeBufferPointer<UInt8>) -> Verdict {
        var candidate = false
        var hits: [Hit] = []
        var state = MultiPatternMatcher.start
        var position = 0
        var i = 0
        while i < bytes.count {
            let length = Self.length(of: bytes[i])
            guard i + length <= bytes.count else { break }
            if Self.isSeparator(bytes, at: i, length: length) {
                i += length
                continue
            }
            position += 1
            if state == MultiPatternMatcher.start {
                let key = Self.key(bytes, at: i, length: length)
                if firstBits[key >> 6] & (1 << UInt64(key & 63)) == 0 {
                    i += length
                    continue
                }
            }
            for k in i..<(i + length) {
                state = matcher.step(state, bytes[k]) { pattern in
                    if case .candidate = roles[pattern] {
                        candidate = true
                    } else {
                        hits.append(Hit(pattern: pattern, start: position - lengths[pattern], end: position))
                    }
                }
            }
            i += length
        }
        guard !hits.isEmpty else { return Verdict(reject: nil, candidate: candidate) }
        let (reject, near) = verdict(hits)
        return Verdict(reject: reject, candidate: candidate || near || reject != nil)
    }

    /// A rejecting hit not inside a spared phrase, or two sides of a `near` rule close enough:
    /// a rejection, or a candidate for rules whose category is `TrainingRiskPatterns.candidate`.
    private func verdict(_ hits: [Hit]) -> (reject: String?, candidate: Bool) {
        let spared = hits.filter { hit in
            if case .spare = roles[hit.pattern] { return true }
            return false
        }
        func isSpared(_ hit: Hit) -> Bool { spared.contains { $0.start <= hit.start && hit.end <= $0.end } }
        for hit in hits {
            if case .reject(let category) = roles[hit.pattern], !isSpared(hit) { return (category, true) }
        }
        var candidate = false
        for hit in hits {
            guard case .near(let rule, 0) = roles[hit.pattern], !isSpared(hit) else { continue }
            let window = nearRules[rule].window
            for other in hits {
                guard case .near(rule, 1) = roles[other.pattern], !isSpared(other) else { continue }
                let gap = other.start >= hit.end ? other.start - hit.end : hit.start >= other.end ? hit.start - other.end : 0
                guard gap <= window else { continue }
                let category = nearRules[rule].category
                if category != TrainingRiskPatterns.candidate { return (category, true) }
                candidate = true
            }
        }
        return (nil, candidate)
    }

    @inline(__always)
    private static func length(of lead: UInt8) -> Int {
        lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
    }

    /// The last two bytes of the character at `i` (the only one for ASCII), for `firstBits`.
    @inline(__always)
    private static func key(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int, length: Int) -> Int {
        length == 1 ? Int(bytes[i]) : Int(bytes[i + length - 2]) << 8 | Int(bytes[i + length - 1])
    }

    /// White space and punctuation: skipped, so words split by them are read whole.
    @inline(__always)
    private static func isSeparator(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int, length: Int) -> Bool {
        let lead = bytes[i]
        if length == 1 {
            return !(lead >= 0x30 && lead <= 0x39 || lead >= 0x61 && lead <= 0x7A || lead >= 0x41 && lead <= 0x5A)
        }
        guard length == 3 else { return false }
        let second = bytes[i + 1]
        // U+3000–303F (、。「」…), U+2000–206F (“”‘’…—), U+FF00–FF0F, U+FF1A–FF20, U+FF5B–FF65 (full-width
        // punctuation the fold leaves), U+00B7 is two bytes and rare enough to keep.
        if lead == 0xE3, second == 0x80 { return true }
        if lead == 0xE2, second == 0x80 || second == 0x81 { return true }
        if lead == 0xEF, second == 0xBC || second == 0xBD {
            let value = (UInt32(second & 0x3F) << 6) | UInt32(bytes[i + 2] & 0x3F)
            let scalar = 0xF000 | value
            return (0xFF00...0xFF0F).contains(scalar) || (0xFF1A...0xFF20).contains(scalar) || (0xFF3B...0xFF40).contains(scalar)
                || (0xFF5B...0xFF65).contains(scalar)
        }
        return false
    }

    /// The scalars the scan reads from `text`: separators dropped, as in `scan`.
    static func scannedScalars(_ text: String) -> [Unicode.Scalar] {
        var copy = text
        return copy.withUTF8 { bytes in
            var out: [Unicode.Scalar] = []
            var i = 0
            while i < bytes.count {
                let lead = bytes[i]
                let length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
                guard i + length <= bytes.count else { break }
                if !isSeparator(bytes, at: i, length: length) {
                    var decoder = UTF8()
                    var iterator = bytes[i..<(i + length)].makeIterator()
                    if case .scalarValue(let scalar) = decoder.decode(&iterator) { out.append(scalar) }
                }
                i += length
            }
            return out
        }
    }
}
