import Foundation

/// A multinomial naive Bayes classifier over retrieval features, trained on every pair's question
/// and answer by category. It looks at a whole category's vocabulary at once, so it can place a
/// question whose exact wording no single corpus question shares.
public struct CategoryClassifier: Sendable {
    public let categories: [String]
    private let logPrior: [Double]
    private let featureLogLikelihood: [[UInt64: Double]]
    private let unseenLogLikelihood: [Double]

    /// `examples`: the category, the features of one text (counted once each) and its weight.
    public init(examples: [(category: String, features: [UInt64], weight: Double)]) {
        var counts: [String: [UInt64: Double]] = [:]
        var totals: [String: Double] = [:]
        var documents: [String: Double] = [:]
        var vocabulary = Set<UInt64>()
        for example in examples {
            documents[example.category, default: 0] += 1
            for feature in Set(example.features) {
                counts[example.category, default: [:]][feature, default: 0] += example.weight
                totals[example.category, default: 0] += example.weight
                vocabulary.insert(feature)
            }
        }
        let names = counts.keys.sorted()
        let totalDocuments = documents.values.reduce(0, +)
        let v = Double(max(vocabulary.count, 1))
        categories = names
        logPrior = names.map { log((documents[$0] ?? 0) / max(totalDocuments, 1)) }
        featureLogLikelihood = names.map { name in
            let total = totals[name] ?? 0
            return (counts[name] ?? [:]).mapValues { log(($0 + 1) / (total + v)) }
        }
        unseenLogLikelihood = names.map { log(1 / ((totals[$0] ?? 0) + v)) }
    }

    /// Posterior probability of each category, highest first. Features no category has seen carry
    /// no evidence and are skipped.
    public func classify(_ features: [UInt64]) -> [(category: String, probability: Double)] {
        guard !categories.isEmpty else { return [] }
        var scores = logPrior
        for feature in Set(features) {
            guard featureLogLikelihood.contains(where: { $0[feature] != nil }) else { continue }
            for c in categories.indices { scores[c] += featureLogLikelihood[c][feature] ?? unseenLogLikelihood[c] }
        }
        let top = scores.max() ?? 0
        let exps = scores.map { exp($0 - top) }
        let sum = exps.reduce(0, +)
        return zip(categories, exps).map { ($0, $1 / sum) }.sorted { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
    }
}
