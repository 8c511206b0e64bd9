import ChatCore
import Foundation

/// The embedded default model: answers with the completion of the corpus pair whose question best
/// matches (BM25 over Chinese-aware tokens), or with a kind clarifying reply and a menu of topics
/// when nothing matches well enough. Deterministic for a given question and session.
public final class RetrievalModel: CompletionModel {
    public struct Configuration: Sendable, Equatable {
        /// Minimum score of the best match relative to the corpus's reference score (see
        /// `BM25Index.referenceScore`); below it the user gets a clarifying reply.
        public var threshold: Float
        /// How many matches are considered when choosing the category and the answer.
        public var candidates: Int
        /// Answers within this fraction of the best score may be used to vary repeated questions.
        public var varietyMargin: Float
        /// Weight of the category classifier's probability when ranking categories.
        public var classifierWeight: Float

        public init(threshold: Float = 0.12, candidates: Int = 12, varietyMargin: Float = 0.75, classifierWeight: Float = 0.3) {
            self.threshold = threshold
            self.candidates = candidates
            self.varietyMargin = varietyMargin
            self.classifierWeight = classifierWeight
        }
    }

    /// A scored corpus pair.
    public struct Match: Sendable, Equatable {
        public var pair: CorpusPair
        public var score: Float
        public var normalized: Float
    }

    /// Everything the model knows about a query: matches, categories ranked, and whether the best
    /// match clears the threshold.
    public struct Ranking: Sendable {
        public var matches: [Match]
        public var categories: [(category: String, score: Float)]
        public var best: Float
        public var aboveThreshold: Bool
    }

    public let name: String
    public let pairs: [CorpusPair]
    public let configuration: Configuration
    private let index: BM25Index
    private let classifier: CategoryClassifier
    /// Reference score per language: English questions are shorter than Chinese ones, so each is
    /// judged against questions of its own language.
    private let references: [String: Float]

    private let tokenizer: RetrievalTokenizer

    public init(pairs: [CorpusPair], name: String = "retrieval", configuration: Configuration = Configuration(), tokenizer: RetrievalTokenizer = RetrievalTokenizer()) {
        self.name = name
        self.pairs = pairs
        self.configuration = configuration
        self.tokenizer = tokenizer
        let promptFeatures = pairs.map { tokenizer.features($0.prompt) }
        let index = BM25Index(features: promptFeatures)
        self.index = index
        var byLanguage: [String: [Int]] = [:]
        for (d, pair) in pairs.enumerated() { byLanguage[pair.lang ?? Self.language(of: pair.prompt), default: []].append(d) }
        self.references = byLanguage.mapValues { index.medianSelfScore(of: $0, features: promptFeatures) }
        // Answers count half: they carry a topic's vocabulary but were written to the question.
        var examples: [(category: String, features: [UInt64], weight: Double)] = []
        for (d, pair) in pairs.enumerated() {
            guard let category = pair.category else { continue }
            examples.append((category, promptFeatures[d], 1))
            examples.append((category, tokenizer.features(pair.completion), 0.5))
        }
        self.classifier = CategoryClassifier(examples: examples)
    }

    public func rank(_ question: String) -> Ranking {
        let language = Self.language(of: question)
        // Prefer pairs in the user's language; fall back to all pairs if none match.
        let reference = references[language]
        let query = tokenizer.features(question)
        var hits = index.search(query, limit: configuration.candidates, reference: reference) { [pairs] d in
            pairs[d].lang.map { $0 == language } ?? true
        }
        if hits.isEmpty { hits = index.search(query, limit: configuration.candidates, reference: reference) }
        let matches = hits.map { Match(pair: pairs[$0.document], score: $0.score, normalized: $0.normalized) }
        let best = matches.first?.normalized ?? 0

        // A category's score: its best match, plus a smaller share of its next two, so that a topic
        // several good matches agree on beats a single lucky word overlap.
        var perCategory: [String: [Float]] = [:]
        for match in matches { perCategory[match.pair.category ?? "", default: []].append(match.normalized) }
        // Close matches decide; the classifier's view of the whole category breaks near-ties.
        let classifierWeight = configuration.classifierWeight
        var combined: [String: Float] = [:]
        for (category, scores) in perCategory {
            let top = scores.sorted(by: >)
            combined[category] = top[0] + 0.3 * (top.count > 1 ? top[1] : 0) + 0.15 * (top.count > 2 ? top[2] : 0)
        }
        for (category, probability) in classifier.classify(query) {
            combined[category, default: 0] += classifierWeight * Float(probability)
        }
        let categories = combined.map { ($0.key, $0.value) }.sorted { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
        return Ranking(matches: matches, categories: categories, best: best, aboveThreshold: best >= configuration.threshold)
    }

    public func complete(_ request: CompletionRequest) async throws -> Completion {
        let ranking = rank(request.question)
        guard ranking.aboveThreshold, let topCategory = ranking.categories.first?.category else {
            return Completion(text: Self.clarification(request.language), model: name, origin: .retrieval, isClarification: true)
        }
        var inCategory = ranking.matches.filter { ($0.pair.category ?? "") == topCategory }
        if inCategory.isEmpty {
            // The classifier chose a category none of the closest questions belong to: look for
            // the best question inside it.
            inCategory = index.search(tokenizer.features(request.question), limit: configuration.candidates, reference: references[Self.language(of: request.question)]) { [pairs] d in
                (pairs[d].category ?? "") == topCategory
            }
                .map { Match(pair: pairs[$0.document], score: $0.score, normalized: $0.normalized) }
        }
        guard let best = inCategory.first ?? ranking.matches.first else {
            return Completion(text: Self.clarification(request.language), model: name, origin: .retrieval, isClarification: true)
        }
        let close = inCategory.filter { $0.score >= best.score * configuration.varietyMargin }
        // Vary repeated questions: the best answer not given recently in this session.
        let chosen = close.first { !request.recentAnswerIDs.contains($0.pair.id) }
            ?? inCategory.first { !request.recentAnswerIDs.contains($0.pair.id) }
            ?? best
        return Completion(
            text: chosen.pair.completion,
            model: name,
            origin: .retrieval,
            answerID: chosen.pair.id,
            category: chosen.pair.category
        )
    }

    static func language(of text: String) -> String {
        text.unicodeScalars.contains(where: TextNormalizer.isCJK) ? "zh" : "en"
    }

    /// The kind reply when no pair matches: asks for a little more and offers topics.
    public static func clarification(_ language: ReplyLanguage) -> String {
        switch language {
        case .zh:
            "我想更好地理解你现在的处境。可以再多说一点吗？比如最近让你困扰的是哪一方面：学业或前途、工作、家庭、恋爱或婚姻、分手、睡眠、压力、人际关系、自我认识、亲子关系……从你最想说的开始就好。"
        case .en:
            "I'd like to understand what you're going through. Could you tell me a little more? For example, is it about study or your future, work, family, a relationship or a breakup, sleep, stress, friendships, how you see yourself, or parenting? Start wherever feels most important."
        }
    }
}
