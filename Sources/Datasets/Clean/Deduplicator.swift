import ChatCore

/// A 128-bit fingerprint of text: two FNV-1a hashes with different seeds. At a million pairs
/// the chance of any collision is about 10⁻²⁷, so no text needs to be kept in memory.
public struct Fingerprint: Hashable, Sendable, Comparable {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    public init<S: Sequence>(bytes: S) where S.Element == UInt8 {
        var a: UInt64 = 0xCBF2_9CE4_8422_2325
        var b: UInt64 = 0x84222325_CBF29CE4
        for byte in bytes {
            a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            b = b ^ (b >> 29)
        }
        self.init(high: a, low: b)
    }

    public init(_ text: String) {
        var copy = text
        self = copy.withUTF8 { Fingerprint(bytes: $0) }
    }

    /// Combines fingerprints of parts so that ("ab","c") and ("a","bc") differ.
    public func combined(with other: Fingerprint) -> Fingerprint {
        Fingerprint(high: (high &* 31) ^ other.high &+ 0x9E37_79B9_7F4A_7C15, low: (low &* 37) ^ (other.low >> 1) ^ (other.low << 63))
    }

    /// A re-hash of this fingerprint under a seed: the rank used for seeded splits and samples
    /// (every bit of the seed changes the order).
    public func seeded(_ seed: UInt64) -> Fingerprint {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        for word in [seed, high, low] {
            for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return Fingerprint(bytes: bytes)
    }

    /// A number in [0, 1) derived from the fingerprint, for seeded sampling and splitting.
    public var unitInterval: Double { Double(high >> 11) / Double(UInt64(1) << 53) }

    public static func < (a: Fingerprint, b: Fingerprint) -> Bool { (a.high, a.low) < (b.high, b.low) }
}

/// Removes exact and near-duplicate pairs. Exact: the same cleaned question and answer. Near: the
/// same after folding (case, width, Traditional→Simplified) and dropping everything that is not a
/// letter or digit (spaces, punctuation, emoji), so "谢谢！！" and "谢谢!" are one.
public struct Deduplicator: Sendable {
    public enum Verdict: Sendable, Equatable {
        case unique
        case exactDuplicate
        case nearDuplicate
        case repeatedAnswer
    }

    private var exact: Set<Fingerprint> = []
    private var near: Set<Fingerprint> = []
    private var answerCounts: [Fingerprint: Int] = [:]
    public var nearDuplicates: Bool
    /// Keep at most this many pairs with the same (near) answer across questions; 0: no limit.
    public var maxAnswerRepeats: Int

    public init(nearDuplicates: Bool = true, maxAnswerRepeats: Int = 0) {
        self.nearDuplicates = nearDuplicates
        self.maxAnswerRepeats = maxAnswerRepeats
    }

    public mutating func check(question: String, answer: String) -> Verdict {
        check(question: question, answer: answer, normalizedQuestion: Self.normalized(question), normalizedAnswer: Self.normalized(answer))
    }

    /// The same with the normalised texts already computed (prepare reuses them).
    public mutating func check(question: String, answer: String, normalizedQuestion: String, normalizedAnswer: String) -> Verdict {
        let exactKey = Fingerprint(question).combined(with: Fingerprint(answer))
        guard exact.insert(exactKey).inserted else { return .exactDuplicate }
        guard nearDuplicates || maxAnswerRepeats > 0 else { return .unique }
        let answerKey = Fingerprint(normalizedAnswer)
        if nearDuplicates {
            let nearKey = Fingerprint(normalizedQuestion).combined(with: answerKey)
            guard near.insert(nearKey).inserted else { return .nearDuplicate }
        }
        if maxAnswerRepeats > 0 {
            let count = answerCounts[answerKey, default: 0] + 1
            answerCounts[answerKey] = count
            if count > maxAnswerRepeats { return .repeatedAnswer }
        }
        return .unique
    }

    /// Folded text with only letters and digits kept.
    public static func normalized(_ text: String) -> String {
        normalized(folded: Folding.fold(text))
    }

    /// The same for text already folded.
    public static func normalized(folded: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(folded.utf8.count)
        for scalar in folded.unicodeScalars where LowContentFilter.isContent(scalar) {
            if let encoded = UTF8.encode(scalar) { out.append(contentsOf: encoded) }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension Fingerprint {
    /// The fingerprint of a file's bytes, read in chunks (identifies an upload across runs).
    public static func ofFile(path: String) throws(DatasetError) -> Fingerprint {
        var source = try FileByteSource(path: path)
        var a: UInt64 = 0xCBF2_9CE4_8422_2325
        var b: UInt64 = 0x84222325_CBF29CE4
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = try readChunk(&source, into: &chunk)
            if n == 0 { break }
            for byte in chunk[0..<n] {
                a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
                b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
                b = b ^ (b >> 29)
            }
        }
        return Fingerprint(high: a, low: b)
    }

    /// 32 hex digits.
    public var hex: String {
        let h = String(high, radix: 16)
        let l = String(low, radix: 16)
        return String(repeating: "0", count: 16 - h.count) + h + String(repeating: "0", count: 16 - l.count) + l
    }
}
