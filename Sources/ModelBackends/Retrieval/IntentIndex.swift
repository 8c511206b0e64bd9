import ChatCore
import Foundation

/// The two views of a question the relevance gate compares:
/// - **match**: BM25 over every question variant; an intent scores its best variant, relative to
///   the corpus's reference score (the median score a variant gets when asked verbatim), so the
///   scale means the same for any corpus;
/// - **classifier**: BM25 over each intent's pooled variants (a nearest-centroid view of the
///   intent's whole vocabulary), relative to the best intent, so it places wordings no single
///   variant shares. Built only when intents have several variants on average; for corpora of
///   one-question pseudo-intents it would repeat the match view, and the match view stands in.
public struct IntentIndex: Sendable {
    public struct Candidate: Sendable, Equatable {
        public var intent: Int
        /// Best variant's score relative to the reference score, capped at 1.
        public var match: Float
        /// Pooled score relative to the best intent's (1 for the classifier's choice).
        public var classifier: Float
        public var combined: Float
    }

    public struct Ranking: Sendable {
        /// Best first by `combined`.
        public var candidates: [Candidate]
        /// The intent with the best single variant match, and the classifier's choice.
        public var matchTop: Int?
        public var classifierTop: Int?
        /// Best variant match (relative) over all intents, eligible or not; 0 when nothing matched.
        public var best: Float
        /// The question's `BM25Index.information` relative to the median corpus question's.
        public var information: Float
        /// Categories of the candidates, best first (for category-level evaluation).
        public var categories: [String]
    }

    let tokenizer: RetrievalTokenizer
    let variants: BM25Index
    let variantIntent: [Int32]
    let variantLanguage: [String]
    let pooled: BM25Index?
    let intentLanguage: [String]
    let references: [String: Float]
    let informationReferences: [String: Float]
    let categories: [String?]
    /// Per intent, the event topics its questions nearly all name (see `eventTopics`).
    let signatures: [[UInt64]]
    public let questionCount: Int

    /// Topics that state an event: a death, an affair, a divorce, a job loss, a breakup, a birth.
    /// An intent whose questions nearly all (≥ 70 %) name one is a candidate only for questions
    /// that name it too, so "我妈生病住院了" never gets an answer about a mother's death, nor "想养只猫"
    /// one about a pet that died — answering them would invent the event.
    static let eventTopics: Set<String> = ["离世", "出轨", "离婚", "失业", "分手", "产后"]

    public init(intents: [Intent], tokenizer: RetrievalTokenizer) {
        self.tokenizer = tokenizer
        var features: [[UInt64]] = []
        var owner: [Int32] = []
        var language: [String] = []
        var pooledFeatures: [[UInt64]] = []
        var intentLanguage: [String] = []
        let pool = intents.count * 2 <= intents.reduce(0) { $0 + $1.questions.count }
        let events = Set(tokenizer.synonyms.groups.indices.filter { Self.eventTopics.contains(tokenizer.synonyms.groups[$0].canonical) }
            .map { RetrievalTokenizer.id(.topic($0)) })
        var signatures: [[UInt64]] = []
        for (i, intent) in intents.enumerated() {
            let lang = intent.lang ?? RetrievalModel.language(of: intent.questions.first ?? "")
            intentLanguage.append(lang)
            var seen = Set<UInt64>()
            var pooledOne: [UInt64] = []
            var eventCounts: [UInt64: Int] = [:]
            for question in intent.questions {
                let f = tokenizer.features(question)
                for event in events where f.contains(event) { eventCounts[event, default: 0] += 1 }
                features.append(f)
                owner.append(Int32(i))
                language.append(intent.lang ?? RetrievalModel.language(of: question))
                // The pooled document counts each feature once per variant that has it.
                if pool { seen.removeAll(keepingCapacity: true); for x in f where seen.insert(x).inserted { pooledOne.append(x) } }
            }
            if pool { pooledFeatures.append(pooledOne) }
            let required = max(1, intent.questions.count * 7 / 10)
            signatures.append(eventCounts.filter { $0.value >= required }.map(\.key).sorted())
        }
        self.signatures = signatures
        let variants = BM25Index(features: features)
        self.variants = variants
        self.variantIntent = owner
        self.variantLanguage = language
        self.pooled = pool ? BM25Index(features: pooledFeatures) : nil
        self.intentLanguage = intentLanguage
        var byLanguage: [String: [Int]] = [:]
        for (d, lang) in language.enumerated() { byLanguage[lang, default: []].append(d) }
        self.references = byLanguage.mapValues { variants.medianSelfScore(of: $0, features: features) }
        self.informationReferences = byLanguage.mapValues { variants.medianInformation(of: $0, features: features) }
        self.categories = intents.map(\.category)
        self.questionCount = features.count
    }

    public func rank(_ question: String, candidates limit: Int, classifierWeight: Float) -> Ranking {
        let detected = RetrievalModel.language(of: question)
        // A corpus without the question's language answers from the languages it has.
        let language = references[detected] == nil ? (references.keys.sorted().first ?? detected) : detected
        let query = tokenizer.features(question)
        let hits = variants.search(query, limit: limit * 3, reference: references[language]) { [variantLanguage] d in
            variantLanguage[d] == language
        }
        // An intent whose event the question does not name takes no part (see `eventTopics`); the
        // best match over all intents still decides between a follow-up and the menu.
        let named = Set(query)
        let eligible = { [signatures] (i: Int) in signatures[i].allSatisfy(named.contains) }
        var match: [Int: Float] = [:]
        var order: [Int] = []
        var best: Float = 0
        for hit in hits {
            best = max(best, hit.normalized)
            let i = Int(variantIntent[hit.document])
            guard eligible(i) else { continue }
            if match[i] == nil { order.append(i) }
            match[i] = max(match[i] ?? 0, hit.normalized)
        }
        var classifier: [Int: Float] = [:]
        if let pooled {
            let pooledHits = pooled.search(query, limit: limit) { [intentLanguage] i in intentLanguage[i] == language }
            if let top = pooledHits.first(where: { eligible($0.document) })?.score, top > 0 {
                for hit in pooledHits where eligible(hit.document) {
                    classifier[hit.document] = hit.score / top
                    if match[hit.document] == nil { match[hit.document] = 0; order.append(hit.document) }
                }
            }
        } else if let top = order.first.flatMap({ match[$0] }), top > 0 {
            for i in order { classifier[i] = (match[i] ?? 0) / top }
        }
        var candidates = order.map { i in
            let m = match[i] ?? 0
            let c = classifier[i] ?? 0
            return Candidate(intent: i, match: m, classifier: c, combined: m + classifierWeight * c)
        }
        candidates.sort { $0.combined > $1.combined || ($0.combined == $1.combined && $0.intent < $1.intent) }
        let matchTop = order.max { (match[$0] ?? 0, -$0) < (match[$1] ?? 0, -$1) }
        let classifierTop = classifier.max { ($0.value, -$0.key) < ($1.value, -$1.key) }?.key
        var seenCategories = Set<String>()
        var categoryOrder: [String] = []
        for c in candidates { if let category = categories[c.intent], seenCategories.insert(category).inserted { categoryOrder.append(category) } }
        return Ranking(
            candidates: candidates, matchTop: matchTop, classifierTop: classifierTop,
            best: best,
            information: variants.information(query) / (informationReferences[language] ?? 1),
            categories: categoryOrder
        )
    }
}
