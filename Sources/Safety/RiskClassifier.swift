import Foundation

/// The statistical second opinion next to the rule engine: logistic regression over character
/// 1–3-grams and Latin words, trained on the project's own labelled safety sets by
/// `tools/train_risk_classifier.py` (weights in `Resources/risk-classifier.tsv`). The rules are
/// precise but only know the wordings someone wrote down; the classifier generalises from
/// examples, so it catches risk phrased in ways the lexicon lacks. See docs/safety.md.
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
    /// the message's scalars instead of building a string per n-gram.
    private let weights: [UInt64: Double]

    public init(bias: Double, weights: [String: Double]) {
        self.bias = bias
        var keyed: [UInt64: Double] = [:]
        keyed.reserveCapacity(weights.count)
        for (feature, weight) in weights { keyed[Self.key(feature.unicodeScalars), default: 0] += weight }
        self.weights = keyed
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

    /// Probability (0…1) that the message, read with the session's earlier turns, shows crisis risk.
    public func probability(_ text: String, recent: [String] = []) -> Double {
        var z = bias
        for feature in Self.featureKeys(text, recent: recent) { z += weights[feature] ?? 0 }
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

    /// Scalars of the text the features are read from (see `features`).
    private static func normalizedScalars(_ text: String, recent: [String]) -> [Unicode.Scalar] {
        let context = recent.joined(separator: " ").unicodeScalars.suffix(60)
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(context.count + 3 + text.unicodeScalars.count)
        var previousSpace = false
        for scalar in [context.lazy.map { $0 }, " | ".unicodeScalars.lazy.map { $0 }, text.unicodeScalars.lazy.map { $0 }].joined() {
            if scalar.properties.isWhitespace {
                if !previousSpace { scalars.append(" ") }
                previousSpace = true
                continue
            }
            previousSpace = false
            scalars.append(scalar.value >= 0x41 && scalar.value <= 0x5a ? Unicode.Scalar(scalar.value + 32)! : scalar)
        }
        return scalars
    }

    /// `features`, as keys.
    static func featureKeys(_ text: String, recent: [String]) -> Set<UInt64> {
        let scalars = normalizedScalars(text, recent: recent)
        var found = Set<UInt64>(minimumCapacity: scalars.count * 4)
        for n in 1...3 where scalars.count >= n {
            for i in 0...(scalars.count - n) { found.insert(key(scalars[i..<(i + n)])) }
        }
        let prefix: [Unicode.Scalar] = ["w", ":"]
        var start: Int?
        for (i, scalar) in scalars.enumerated() {
            let isLetter = scalar.value >= 0x61 && scalar.value <= 0x7a
            if isLetter, start == nil { start = i }
            if !isLetter, let first = start {
                found.insert(key(prefix + scalars[first..<i]))
                start = nil
            }
        }
        if let first = start { found.insert(key(prefix + scalars[first...])) }
        return found
    }

    /// The features, exactly as the training script computes them: the last 60 characters of the
    /// earlier turns, " | ", the message; ASCII letters lower-cased, white space runs collapsed;
    /// every 1-, 2- and 3-scalar substring, and every run of ASCII letters as `w:<word>`.
    static func features(_ text: String, recent: [String]) -> Set<String> {
        let scalars = normalizedScalars(text, recent: recent)
        var found = Set<String>()
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
