import Foundation

/// A multinomial naive Bayes classifier over retrieval tokens, trained on every pair's question
/// and answer by category. It looks at a whole category's vocabulary at once, so it can place a
/// question whose exact wording no single corpus question shares.
public struct CategoryClassifier: Sendable {
    public let categories: [String]
    private let logPrior: [Double]
    private let tokenLogLikelihood: [[String: Double]]
    private let unseenLogLikelihood: [Double]
    private let tokenizer: RetrievalTokenizer

    public init(examples: [(category: String, text: String, weight: Double)], tokenizer: RetrievalTokenizer) {
        self.tokenizer = tokenizer
        var counts: [String: [String: Double]] = [:]
        var totals: [String: Double] = [:]
        var documents: [String: Double] = [:]
        var vocabulary = Set<String>()
        for example in examples {
            documents[example.category, default: 0] += 1
            for token in Set(tokenizer.tokens(example.text)) {
                counts[example.category, default: [:]][token, default: 0] += example.weight
                totals[example.category, default: 0] += example.weight
                vocabulary.insert(token)
            }
        }
        let names = counts.keys.sorted()
        let totalDocuments = documents.values.reduce(0, +)
        let v = Double(max(vocabulary.count, 1))
        categories = names
        logPrior = names.map { log((documents[$0] ?? 0) / max(totalDocuments, 1)) }
        tokenLogLikelihood = names.map { name in
            let total = totals[name] ?? 0
            return (counts[name] ?? [:]).mapValues { log(($0 + 1) / (total + v)) }
        }
        unseenLogLikelihood = names.map { log(1 / ((totals[$0] ?? 0) + v)) }
    }

    /// Posterior probability of each category for the text, highest first. Tokens the corpus has
    /// never seen carry no evidence and are skipped.
    public func classify(_ text: String) -> [(category: String, probability: Double)] {
        guard !categories.isEmpty else { return [] }
        let tokens = Set(tokenizer.tokens(text))
        var scores = logPrior
        for token in tokens {
            var known = false
            for c in categories.indices where tokenLogLikelihood[c][token] != nil { known = true; break }
            guard known else { continue }
            for c in categories.indices { scores[c] += tokenLogLikelihood[c][token] ?? unseenLogLikelihood[c] }
        }
        let top = scores.max() ?? 0
        let exps = scores.map { exp($0 - top) }
        let sum = exps.reduce(0, +)
        return zip(categories, exps).map { ($0, $1 / sum) }.sorted { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
    }
}
