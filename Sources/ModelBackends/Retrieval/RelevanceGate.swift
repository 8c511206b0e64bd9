/// Decides whether the best intent wins clearly enough to answer. A score threshold alone answers
/// a vague message with whatever scored highest; the gate also asks that the closest variant and
/// the classifier agree and that the winner leads its runner-up, and otherwise asks the likely
/// intent's follow-up. Only a message with no usable content gets the menu of topics.
public struct RelevanceGate: Sendable {
    public enum Decision: Sendable, Equatable {
        case answer(Int)
        /// Ask this intent's follow-up.
        case followUp(Int)
        /// Something matched, but only intents whose event the message does not name: ask what
        /// happened, without naming a topic.
        case askMore
        case menu
    }

    public struct Configuration: Sendable, Equatable {
        /// Minimum relative match of the winning intent's best variant to answer.
        public var threshold: Float
        /// Minimum lead of the winner's combined score over the best rival intent.
        public var margin: Float
        /// Below this best match the message has no usable content: the menu.
        public var followUpFloor: Float
        /// Intents considered.
        public var candidates: Int
        /// Weight of the classifier view in the combined score.
        public var classifierWeight: Float
        /// The winner's best variant may trail the single best variant match (of another intent) by
        /// at most this much: the question match must agree with the winner, not just the classifier.
        public var matchTolerance: Float
        /// A question saying less than this share of what the median corpus question says (a bare
        /// "我妈", "考试") is too thin to answer with confidence, however well it matches: it gets the
        /// likely intent's follow-up.
        public var minInformation: Float

        // Chosen on Tests/Fixtures/answers/dev.jsonl (docs/starter-corpus.md, "Measured quality").
        public init(
            threshold: Float = 0.25, margin: Float = 0.05, followUpFloor: Float = 0.12, candidates: Int = 12,
            classifierWeight: Float = 0.8, matchTolerance: Float = 0.2, minInformation: Float = 0.35
        ) {
            self.threshold = threshold
            self.margin = margin
            self.followUpFloor = followUpFloor
            self.candidates = candidates
            self.classifierWeight = classifierWeight
            self.matchTolerance = matchTolerance
            self.minInformation = minInformation
        }
    }

    public var configuration: Configuration
    let intents: [Intent]

    public init(configuration: Configuration, intents: [Intent]) {
        self.configuration = configuration
        self.intents = intents
    }

    public func decide(_ ranking: IntentIndex.Ranking) -> Decision {
        guard ranking.best >= configuration.followUpFloor else { return .menu }
        guard let winner = ranking.candidates.first else { return .askMore }
        let rival = ranking.candidates.dropFirst().first { !equivalent(winner.intent, $0.intent) }
        let lead = winner.combined - (rival?.combined ?? 0)
        // Agreement: the classifier's choice is the winner, and the winner's closest question is
        // (nearly) the closest question overall.
        let agree = (ranking.classifierTop.map { equivalent($0, winner.intent) } ?? false)
            && winner.match >= ranking.best - configuration.matchTolerance
        if agree, winner.match >= configuration.threshold, lead >= configuration.margin,
           ranking.information >= configuration.minInformation {
            return .answer(winner.intent)
        }
        // An out-of-scope intent that only probably wins ("翻聊天记录" near "聊天记录怎么迁移"): ask the
        // likeliest in-scope follow-up instead; the out-of-scope reply is for clear winners.
        if intents[winner.intent].outOfScope {
            guard let inScope = ranking.candidates.first(where: { !intents[$0.intent].outOfScope }),
                  inScope.match >= configuration.followUpFloor else { return .menu }
            return .followUp(inScope.intent)
        }
        return .followUp(winner.intent)
    }

    /// After our follow-up the user has told us more: answer the best intent if the combined text
    /// has usable content at all; never a second follow-up in a row.
    public func decideAfterFollowUp(_ ranking: IntentIndex.Ranking) -> Decision {
        guard let winner = ranking.candidates.first, ranking.best >= configuration.followUpFloor else { return .menu }
        return .answer(winner.intent)
    }

    /// Two intents that are interchangeable answers: the same intent, or pseudo-intents of an
    /// operator corpus (one question each) in the same category.
    func equivalent(_ a: Int, _ b: Int) -> Bool {
        if a == b { return true }
        let x = intents[a], y = intents[b]
        guard x.followUp == nil, y.followUp == nil, x.id.hasPrefix("q:"), y.id.hasPrefix("q:"), let cx = x.category else { return false }
        return cx == y.category
    }
}
