/// An inverted index with Okapi BM25 scoring over `RetrievalTokenizer` tokens.
public struct BM25Index: Sendable {
    public struct Hit: Sendable, Equatable {
        public var document: Int
        /// Raw BM25 score.
        public var score: Float
        /// Score divided by the query's best possible score (0…1); comparable across queries.
        public var normalized: Float
    }

    struct Posting: Sendable {
        var document: Int32
        var termFrequency: Float
    }

    let tokenizer: RetrievalTokenizer
    let k1: Float = 1.2
    let b: Float = 0.75
    private(set) var vocabulary: [String: Int32] = [:]
    private(set) var postings: [[Posting]] = []
    private(set) var idf: [Float] = []
    private(set) var documentLengths: [Float] = []
    private(set) var averageLength: Float = 1
    /// IDF given to query tokens the corpus has never seen (they lower the normalised score).
    private(set) var unseenIDF: Float = 1

    public var count: Int { documentLengths.count }

    public init(documents: [String], tokenizer: RetrievalTokenizer = RetrievalTokenizer()) {
        self.tokenizer = tokenizer
        var counts: [Int32: Float] = [:]
        for (d, text) in documents.enumerated() {
            counts.removeAll(keepingCapacity: true)
            let tokens = tokenizer.tokens(text)
            for token in tokens {
                let id: Int32
                if let existing = vocabulary[token] {
                    id = existing
                } else {
                    id = Int32(postings.count)
                    vocabulary[token] = id
                    postings.append([])
                }
                counts[id, default: 0] += 1
            }
            for (id, tf) in counts { postings[Int(id)].append(Posting(document: Int32(d), termFrequency: tf)) }
            documentLengths.append(Float(max(tokens.count, 1)))
        }
        let n = Float(documents.count)
        averageLength = documentLengths.isEmpty ? 1 : documentLengths.reduce(0, +) / n
        idf = postings.map { list in
            let df = Float(list.count)
            return log(1 + (n - df + 0.5) / (df + 0.5))
        }
        unseenIDF = log(1 + (n + 0.5) / 0.5)
    }

    /// The best `limit` documents for the query, best first. `filter` excludes documents.
    public func search(_ query: String, limit: Int = 10, filter: ((Int) -> Bool)? = nil) -> [Hit] {
        let queryTokens = tokenizer.tokens(query)
        guard !queryTokens.isEmpty, count > 0 else { return [] }
        var frequencies: [String: Float] = [:]
        for token in queryTokens { frequencies[token, default: 0] += 1 }

        var scores = [Float](repeating: 0, count: count)
        var touched: [Int32] = []
        var bestPossible: Float = 0
        for (token, qtf) in frequencies {
            let weight = qtf / (qtf + 1) * 2  // saturating query term frequency (1 → 1, 2 → 1.33)
            guard let id = vocabulary[token] else {
                bestPossible += unseenIDF * weight * 0.5
                continue
            }
            let termIDF = idf[Int(id)]
            bestPossible += termIDF * weight * (k1 + 1) / (1 + k1 * (1 - b + b * 0.5))
            for posting in postings[Int(id)] {
                let d = Int(posting.document)
                let tf = posting.termFrequency
                let norm = k1 * (1 - b + b * documentLengths[d] / averageLength)
                if scores[d] == 0 { touched.append(posting.document) }
                scores[d] += weight * termIDF * tf * (k1 + 1) / (tf + norm)
            }
        }
        guard bestPossible > 0 else { return [] }

        var hits: [Hit] = []
        hits.reserveCapacity(min(touched.count, limit + 1))
        var floor: Float = -1
        for d32 in touched {
            let d = Int(d32)
            let score = scores[d]
            guard score > floor || hits.count < limit else { continue }
            if let filter, !filter(d) { continue }
            let hit = Hit(document: d, score: score, normalized: min(score / bestPossible, 1))
            let position = hits.firstIndex { $0.score < score || ($0.score == score && $0.document > d) } ?? hits.count
            hits.insert(hit, at: position)
            if hits.count > limit { hits.removeLast() }
            if hits.count == limit { floor = hits[limit - 1].score }
        }
        return hits
    }
}

import Foundation
