import ChatCore
import Foundation

/// The embedded default model: answers with the completion of the corpus pair whose question best
/// matches (BM25 over Chinese-aware tokens), or with a kind clarifying reply and a menu of topics
/// when nothing matches well enough. Deterministic for a given question and session.
public final class RetrievalModel: CompletionModel {
    public struct Configuration: Sendable, Equatable {
        /// Minimum normalised score (0…1) of the best match; below it the user gets a clarifying reply.
        public var threshold: Float
        /// How many matches are considered when choosing the category and the answer.
        public var candidates: Int
        /// Answers within this fraction of the best score may be used to vary repeated questions.
        public var varietyMargin: Float

        public init(threshold: Float = 0.22, candidates: Int = 12, varietyMargin: Float = 0.75) {
            self.threshold = threshold
            self.candidates = candidates
            self.varietyMargin = varietyMargin
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

    public init(pairs: [CorpusPair], name: String = "retrieval", configuration: Configuration = Configuration(), tokenizer: RetrievalTokenizer = RetrievalTokenizer()) {
        self.name = name
        self.pairs = pairs
        self.configuration = configuration
        self.index = BM25Index(documents: pairs.map(\.prompt), tokenizer: tokenizer)
    }

    public func rank(_ question: String) -> Ranking {
        let language = Self.language(of: question)
        // Prefer pairs in the user's language; fall back to all pairs if none match.
        var hits = index.search(question, limit: configuration.candidates) { [pairs] d in
            pairs[d].lang.map { $0 == language } ?? true
        }
        if hits.isEmpty { hits = index.search(question, limit: configuration.candidates) }
        let matches = hits.map { Match(pair: pairs[$0.document], score: $0.score, normalized: $0.normalized) }
        let best = matches.first?.normalized ?? 0

        // A category's score: its best match, plus a smaller share of its next two, so that a topic
        // several good matches agree on beats a single lucky word overlap.
        var perCategory: [String: [Float]] = [:]
        for match in matches { perCategory[match.pair.category ?? "", default: []].append(match.normalized) }
        let categories = perCategory.map { category, scores -> (String, Float) in
            let top = scores.sorted(by: >)
            let score = top[0] + 0.3 * (top.count > 1 ? top[1] : 0) + 0.15 * (top.count > 2 ? top[2] : 0)
            return (category, score)
        }.sorted { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
        return Ranking(matches: matches, categories: categories, best: best, aboveThreshold: best >= configuration.threshold)
    }

    public func complete(_ request: CompletionRequest) async throws -> Completion {
        let ranking = rank(request.question)
        guard ranking.aboveThreshold, let topCategory = ranking.categories.first?.category else {
            return Completion(text: Self.clarification(request.language), model: name, origin: .retrieval, isClarification: true)
        }
        let inCategory = ranking.matches.filter { ($0.pair.category ?? "") == topCategory }
        let bestScore = inCategory.first?.score ?? 0
        let close = inCategory.filter { $0.score >= bestScore * configuration.varietyMargin }
        // Vary repeated questions: the best answer not given recently in this session.
        let chosen = close.first { !request.recentAnswerIDs.contains($0.pair.id) } ?? inCategory.first { !request.recentAnswerIDs.contains($0.pair.id) } ?? close[0]
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
