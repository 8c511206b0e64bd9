import Foundation

/// An inverted index with Okapi BM25 scoring over `RetrievalTokenizer` features.
public struct BM25Index: Sendable {
    public struct Hit: Sendable, Equatable {
        public var document: Int
        /// Raw BM25 score.
        public var score: Float
        /// Score relative to the reference score, capped at 1; comparable across queries and corpora.
        public var normalized: Float
    }

    struct Posting: Sendable {
        var document: Int32
        var termFrequency: Float
    }

    let k1: Float = 1.2
    let b: Float = 0.75
    private(set) var vocabulary: [UInt64: Int32] = [:]
    private(set) var postings: [[Posting]] = []
    private(set) var idf: [Float] = []
    private(set) var documentLengths: [Float] = []
    private(set) var averageLength: Float = 1
    /// The median score a corpus question gets when asked verbatim: the scale against which a
    /// query's best score is judged, so the threshold means the same for any corpus size.
    private(set) var referenceScore: Float = 1

    public var count: Int { documentLengths.count }

    /// Builds the index from each document's features (`RetrievalTokenizer.features`).
    public init(features documents: [[UInt64]]) {
        var counts: [Int32: Float] = [:]
        for (d, features) in documents.enumerated() {
            counts.removeAll(keepingCapacity: true)
            for feature in features {
                let id: Int32
                if let existing = vocabulary[feature] {
                    id = existing
                } else {
                    id = Int32(postings.count)
                    vocabulary[feature] = id
                    postings.append([])
                }
                counts[id, default: 0] += 1
            }
            for (id, tf) in counts { postings[Int(id)].append(Posting(document: Int32(d), termFrequency: tf)) }
            documentLengths.append(Float(max(features.count, 1)))
        }
        let n = Float(documents.count)
        averageLength = documentLengths.isEmpty ? 1 : documentLengths.reduce(0, +) / n
        idf = postings.map { list in
            let df = Float(list.count)
            return log(1 + (n - df + 0.5) / (df + 0.5))
        }
        referenceScore = medianSelfScore(of: Array(0..<documents.count), features: documents)
    }

    /// The score a document's own features get against it: what a perfect match looks like.
    func selfScore(of d: Int, features: [UInt64]) -> Float {
        var frequencies: [UInt64: Float] = [:]
        for feature in features { frequencies[feature, default: 0] += 1 }
        let norm = k1 * (1 - b + b * documentLengths[d] / averageLength)
        var score: Float = 0
        for (feature, tf) in frequencies {
            guard let id = vocabulary[feature] else { continue }
            score += tf / (tf + 1) * 2 * idf[Int(id)] * tf * (k1 + 1) / (tf + norm)
        }
        return score
    }

    /// How much a text says in this corpus's terms: the summed IDF of its distinct known features.
    /// Function words and unknown words add nothing, so "我妈" or "hello" say little.
    public func information(_ features: [UInt64]) -> Float {
        var seen = Set<UInt64>()
        var total: Float = 0
        for feature in features where seen.insert(feature).inserted {
            if let id = vocabulary[feature] { total += idf[Int(id)] }
        }
        return total
    }

    /// Median `information` of (a deterministic sample of at most 1,000 of) the given documents.
    public func medianInformation(of documents: [Int], features: [[UInt64]]) -> Float {
        guard !documents.isEmpty else { return 1 }
        let step = max(1, documents.count / 1000)
        var values: [Float] = []
        for i in stride(from: 0, to: documents.count, by: step) { values.append(information(features[documents[i]])) }
        values.sort()
        return max(values[values.count / 2], 1e-3)
    }

    /// Median self-score of (a deterministic sample of at most 1,000 of) the given documents.
    public func medianSelfScore(of documents: [Int], features: [[UInt64]]) -> Float {
        guard !documents.isEmpty else { return 1 }
        let step = max(1, documents.count / 1000)
        var scores: [Float] = []
        for i in stride(from: 0, to: documents.count, by: step) {
            scores.append(selfScore(of: documents[i], features: features[documents[i]]))
        }
        scores.sort()
        return max(scores[scores.count / 2], 1e-3)
    }

    /// The best `limit` documents for the query features, best first. `filter` excludes documents.
    public func search(_ query: [UInt64], limit: Int = 10, reference: Float? = nil, filter: ((Int) -> Bool)? = nil) -> [Hit] {
        let reference = reference ?? referenceScore
        guard !query.isEmpty, count > 0 else { return [] }
        var frequencies: [UInt64: Float] = [:]
        for feature in query { frequencies[feature, default: 0] += 1 }

        var scores = [Float](repeating: 0, count: count)
        var touched: [Int32] = []
        for (feature, qtf) in frequencies {
            guard let id = vocabulary[feature] else { continue }
            let weight = qtf / (qtf + 1) * 2  // saturating query term frequency (1 → 1, 2 → 1.33)
            let termIDF = idf[Int(id)]
            postings[Int(id)].withUnsafeBufferPointer { list in
                for posting in list {
                    let d = Int(posting.document)
                    let tf = posting.termFrequency
                    let norm = k1 * (1 - b + b * documentLengths[d] / averageLength)
                    if scores[d] == 0 { touched.append(posting.document) }
                    scores[d] += weight * termIDF * tf * (k1 + 1) / (tf + norm)
                }
            }
        }

        var hits: [Hit] = []
        hits.reserveCapacity(limit + 1)
        var floor: Float = -1
        for d32 in touched {
            let d = Int(d32)
            let score = scores[d]
            guard score > floor || hits.count < limit else { continue }
            if let filter, !filter(d) { continue }
            let hit = Hit(document: d, score: score, normalized: min(score / reference, 1))
            let position = hits.firstIndex { $0.score < score || ($0.score == score && $0.document > d) } ?? hits.count
            hits.insert(hit, at: position)
            if hits.count > limit { hits.removeLast() }
            if hits.count == limit { floor = hits[limit - 1].score }
        }
        return hits
    }
}
