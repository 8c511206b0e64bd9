import Foundation

/// The statistical second opinion next to the rule engine: logistic regression over the rule
/// engine's concept activations and the 1–3-grams and Latin words of the CANONICAL text (slang,
/// pinyin, Traditional characters and emoji already read), trained by
/// `tools/train_risk_classifier.py` on the generated set and the project's hand-written sets
/// (weights in `Resources/risk-classifier.tsv`). The rules are precise but only know the wordings
/// someone wrote down; the classifier generalises from examples. See docs/safety.md.
public struct RiskClassifier: Sendable {
    public enum LoadError: Error, Sendable, CustomStringConvertible {
        case missing
        case badLine(Int)

        public var description: String {
            switch self {
            case .missing: "risk-classifier.tsv is missing from the build"
            case .badLine(let n): "risk-classifier.tsv line \(n) is not `feature<TAB>weight`"
            }
        }
    }

    private let bias: Double
    /// Weights by the 64-bit key of their feature (`key(_:)`): scoring hashes n-grams straight from
    /// the message's scalars instead of building a string per n-gram, and looks them up in a
    /// `FlatTable` (no SipHash per n-gram).
    private let weights: FlatTable<Double>

    public init(bias: Double, weights: [String: Double]) {
        self.bias = bias
        var keyed: [UInt64: Double] = [:]
        keyed.reserveCapacity(weights.count)
        for (feature, weight) in weights { keyed[Self.key(feature.unicodeScalars), default: 0] += weight }
        self.weights = FlatTable(keyed, filler: 0)
    }

    /// The classifier shipped with the binary, parsed once per process.
    public static func bundled() throws(LoadError) -> RiskClassifier {
        try shipped.get()
    }

    private static let shipped: Result<RiskClassifier, LoadError> = {
        guard let url = Bundle.module.url(forResource: "risk-classifier", withExtension: "tsv"),
              let text = try? String(contentsOf: url, encoding: .utf8)
        else { return .failure(.missing) }
        return Result { () throws(LoadError) in try parse(text) }
    }()

    /// Parses `bias<TAB>b` and `feature<TAB>weight` lines; `#` lines are comments.
    public static func parse(_ text: String) throws(LoadError) -> RiskClassifier {
        var bias = 0.0
        var weights: [String: Double] = [:]
        weights.reserveCapacity(32_000)
        for (index, line) in text.split(separator: "\n").enumerated() where !line.hasPrefix("#") {
            guard let tab = line.lastIndex(of: "\t"), let weight = Double(line[line.index(after: tab)...]) else {
                throw .badLine(index + 1)
            }
            let feature = String(line[..<tab])
            if feature == "bias" { bias = weight } else { weights[feature] = weight }
        }
        return RiskClassifier(bias: bias, weights: weights)
    }

    /// What the classifier reads: the canonical text of the session's last turns (60 scalars at
    /// most), " | ", the canonical text of the message with `?` after each question sentence; and
    /// the rule engine's activations (`c:<class>` for each lexicon class seen, `r:<label>:<concept>`
    /// for each finding). Built by `CrisisDetector.classifierInput`.
    public struct Input: Sendable, Equatable {
        public var scalars: [Unicode.Scalar]
        public var activations: [String]

        public init(scalars: [Unicode.Scalar], activations: [String]) {
            self.scalars = scalars
            self.activations = activations
        }
    }

    /// Probability (0…1) that the message shows crisis risk.
    public func probability(_ input: Input) -> Double {
        var z = bias
        for feature in Self.featureKeys(input) { z += weights[feature] ?? 0 }
        return 1 / (1 + exp(-z))
    }

    /// FNV-1a over the scalar values: the key of a feature string. Distinct features of the
    /// shipped model do not collide (checked by a test).
    static func key<S: Sequence<Unicode.Scalar>>(_ scalars: S) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for scalar in scalars {
            var value = scalar.value
            for _ in 0..<3 {
                hash = (hash ^ UInt64(value & 0xff)) &* 0x100_0000_01b3
                value >>= 8
            }
        }
        return hash
    }

    /// `features`, as keys: each distinct feature once.
    static func featureKeys(_ input: Input) -> [UInt64] {
        let scalars = input.scalars
        var found: [UInt64] = []
        found.reserveCapacity(scalars.count * 4 + input.activations.count)
        for n in 1...3 where scalars.count >= n {
            for i in 0...(scalars.count - n) { found.append(key(scalars[i..<(i + n)])) }
        }
        let prefix: [Unicode.Scalar] = ["w", ":"]
        var start: Int?
        for (i, scalar) in scalars.enumerated() {
            let isLetter = scalar.value >= 0x61 && scalar.value <= 0x7a
            if isLetter, start == nil { start = i }
            if !isLetter, let first = start {
                found.append(key(prefix + scalars[first..<i]))
                start = nil
            }
        }
        if let first = start { found.append(key(prefix + scalars[first...])) }
        for activation in input.activations { found.append(key(activation.unicodeScalars)) }
        removeRepeats(&found)
        return found
    }

    /// Keeps the first occurrence of each key, in order: a scratch open-addressing set at most half
    /// full (sorting or a `Set` cost more than the lookups themselves).
    static func removeRepeats(_ keys: inout [UInt64]) {
        var capacity = 16
        while capacity < keys.count * 2 { capacity <<= 1 }
        let mask = capacity - 1
        let shift = UInt64(64 - capacity.trailingZeroBitCount)
        var seen = [UInt64](repeating: 0, count: capacity)  // 0 marks an empty slot…
        var sawZero = false  // …so the key 0 is tracked on its own
        var kept = 0
        for i in keys.indices {
            let key = keys[i]
            var isNew = true
            if key == 0 {
                isNew = !sawZero
                sawZero = true
            } else {
                var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
                while seen[slot] != 0 {
                    if seen[slot] == key { isNew = false; break }
                    slot = (slot + 1) & mask
                }
                if isNew { seen[slot] = key }
            }
            if isNew {
                keys[kept] = key
                kept += 1
            }
        }
        keys.removeLast(keys.count - kept)
    }

    /// The features, as `heartline safety features` prints them for the training script: every 1-,
    /// 2- and 3-scalar substring of the input's scalars, every run of ASCII letters as `w:<word>`,
    /// and the activations as they are.
    public static func features(_ input: Input) -> Set<String> {
        let scalars = input.scalars
        var found = Set<String>(input.activations)
        for n in 1...3 where scalars.count >= n {
            for i in 0...(scalars.count - n) {
                var piece = String.UnicodeScalarView()
                piece.append(contentsOf: scalars[i..<(i + n)])
                found.insert(String(piece))
            }
        }
        var word = String.UnicodeScalarView()
        for scalar in scalars + [" "] {
            if ("a"..."z").contains(scalar) {
                word.append(scalar)
            } else if !word.isEmpty {
                found.insert("w:" + String(word))
                word.removeAll()
            }
        }
        return found
    }
}
