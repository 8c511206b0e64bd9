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
    private let weights: [String: Double]

    public init(bias: Double, weights: [String: Double]) {
        self.bias = bias
        self.weights = weights
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
        for feature in Self.features(text, recent: recent) { z += weights[feature] ?? 0 }
        return 1 / (1 + exp(-z))
    }

    /// The features, exactly as the training script computes them: the last 60 characters of the
    /// earlier turns, " | ", the message; ASCII letters lower-cased, white space runs collapsed;
    /// every 1-, 2- and 3-scalar substring, and every run of ASCII letters as `w:<word>`.
    static func features(_ text: String, recent: [String]) -> Set<String> {
        let context = Array(recent.joined(separator: " ").unicodeScalars.suffix(60))
        var scalars: [Unicode.Scalar] = []
        var previousSpace = false
        for scalar in context + Array(" | ".unicodeScalars) + Array(text.unicodeScalars) {
            if scalar.properties.isWhitespace {
                if !previousSpace { scalars.append(" ") }
                previousSpace = true
                continue
            }
            previousSpace = false
            scalars.append(("A"..."Z").contains(scalar) ? Unicode.Scalar(scalar.value + 32)! : scalar)
        }
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
