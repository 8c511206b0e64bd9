import Foundation

/// `heartline feedback report`: the votes since a date, grouped so an operator sees which answers
/// fail. Groups are listed worst first by the lower bound of the Wilson score interval (95 %) of
/// their down-vote rate: one 👎 alone does not outrank an answer rated down 30 times out of 40,
/// yet a clear failure rises above answers with many votes and few complaints.
public struct FeedbackReport: Sendable, Equatable, Encodable {
    public struct Group: Sendable, Equatable, Encodable {
        /// What the group is: a source, a tier, an intent, an answer id or a reason.
        public var key: String
        public var intent: String?
        public var category: String?
        public var source: String?
        public var up: Int
        public var down: Int
        public var total: Int { up + down }
        /// Down votes over all votes (0 when there are none).
        public var downRate: Double { total == 0 ? 0 : Double(down) / Double(total) }
        /// The Wilson lower bound of `downRate`, the sort key.
        public var downScore: Double { FeedbackReport.wilsonLowerBound(down, of: total) }

        enum CodingKeys: String, CodingKey { case key, intent, category, source, up, down, total, downRate, downScore }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(key, forKey: .key)
            try c.encodeIfPresent(intent, forKey: .intent)
            try c.encodeIfPresent(category, forKey: .category)
            try c.encodeIfPresent(source, forKey: .source)
            try c.encode(up, forKey: .up)
            try c.encode(down, forKey: .down)
            try c.encode(total, forKey: .total)
            try c.encode((downRate * 1000).rounded() / 1000, forKey: .downRate)
            try c.encode((downScore * 1000).rounded() / 1000, forKey: .downScore)
        }
    }

    public struct Reason: Sendable, Equatable, Encodable {
        public var reason: String
        public var count: Int
    }

    public var since: Date
    public var up: Int
    public var down: Int
    public var votes: Int { up + down }
    public var bySource: [Group]
    public var byTier: [Group]
    /// Retrieval answers grouped by intent (answers without an intent are left out).
    public var byIntent: [Group]
    /// Each retrieval answer on its own.
    public var byAnswer: [Group]
    /// Reasons given with down votes, most frequent first (`none`: a down vote without one).
    public var reasons: [Reason]

    enum CodingKeys: String, CodingKey { case since, votes, up, down, bySource, byTier, byIntent, byAnswer, reasons }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ISO8601DateFormatter().string(from: since), forKey: .since)
        try c.encode(votes, forKey: .votes)
        try c.encode(up, forKey: .up)
        try c.encode(down, forKey: .down)
        try c.encode(bySource, forKey: .bySource)
        try c.encode(byTier, forKey: .byTier)
        try c.encode(byIntent, forKey: .byIntent)
        try c.encode(byAnswer, forKey: .byAnswer)
        try c.encode(reasons, forKey: .reasons)
    }

    public init(tallies: [FeedbackTally], since: Date) {
        self.since = since
        up = tallies.filter { $0.vote == AnswerFeedback.Vote.up.rawValue }.reduce(0) { $0 + $1.count }
        down = tallies.filter { $0.vote == AnswerFeedback.Vote.down.rawValue }.reduce(0) { $0 + $1.count }
        bySource = Self.group(tallies) { ($0.source, nil, nil, nil) }
        byTier = Self.group(tallies) { ($0.tier, nil, nil, nil) }
        byIntent = Self.group(tallies.filter { $0.intent != nil }) { ($0.intent ?? "", nil, $0.category, $0.source) }
        byAnswer = Self.group(tallies.filter { $0.answerID != nil }) { ($0.answerID ?? "", $0.intent, $0.category, $0.source) }
        var reasons: [String: Int] = [:]
        for tally in tallies where tally.vote == AnswerFeedback.Vote.down.rawValue {
            reasons[tally.reason ?? "none", default: 0] += tally.count
        }
        self.reasons = reasons.map { Reason(reason: $0.key, count: $0.value) }
            .sorted { ($0.count, $1.reason) > ($1.count, $0.reason) }
    }

    /// Sums tallies by `key` (key, intent, category, source) and sorts the groups worst first.
    static func group(_ tallies: [FeedbackTally], by key: (FeedbackTally) -> (String, String?, String?, String?)) -> [Group] {
        var groups: [String: Group] = [:]
        for tally in tallies {
            let (name, intent, category, source) = key(tally)
            var group = groups[name] ?? Group(key: name, intent: intent, category: category, source: source, up: 0, down: 0)
            if tally.vote == AnswerFeedback.Vote.down.rawValue { group.down += tally.count } else { group.up += tally.count }
            groups[name] = group
        }
        return groups.values.sorted { a, b in
            if a.downScore != b.downScore { return a.downScore > b.downScore }
            if a.down != b.down { return a.down > b.down }
            return a.key < b.key
        }
    }

    /// Lower bound of the Wilson score interval for `failures` out of `total` at z = 1.96.
    static func wilsonLowerBound(_ failures: Int, of total: Int) -> Double {
        guard total > 0 else { return 0 }
        let n = Double(total)
        let p = Double(failures) / n
        let z = 1.96
        let centre = p + z * z / (2 * n)
        let margin = z * ((p * (1 - p) + z * z / (4 * n)) / n).squareRoot()
        return max(0, (centre - margin) / (1 + z * z / n))
    }
}
