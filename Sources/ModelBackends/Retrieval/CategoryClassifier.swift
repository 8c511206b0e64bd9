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
        let names = Array(Set(examples.map(\.category))).sorted()
        let position = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        var counts = [[UInt64: Double]](repeating: [:], count: names.count)
        var totals = [Double](repeating: 0, count: names.count)
        var documents = [Double](repeating: 0, count: names.count)
        var vocabulary = Set<UInt64>()
        var lastCategory = ""
        var c = 0
        for example in examples {
            // Consecutive examples usually share a category: avoid rehashing the name.
            if example.category != lastCategory {
                c = position[example.category] ?? 0
                lastCategory = example.category
            }
            documents[c] += 1
            for feature in Set(example.features) {
                counts[c][feature, default: 0] += example.weight
                totals[c] += example.weight
                vocabulary.insert(feature)
            }
        }
        let totalDocuments = documents.reduce(0, +)
        let v = Double(max(vocabulary.count, 1))
        categories = names
        logPrior = documents.map { log($0 / max(totalDocuments, 1)) }
        featureLogLikelihood = names.indices.map { c in counts[c].mapValues { log(($0 + 1) / (totals[c] + v)) } }
        unseenLogLikelihood = totals.map { log(1 / ($0 + v)) }
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
