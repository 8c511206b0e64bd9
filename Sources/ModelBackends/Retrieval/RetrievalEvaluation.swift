import Foundation

/// Measures how well the retrieval model routes questions to their concern category, and how
/// often off-topic chatter is not answered — a follow-up or the menu counts as "below threshold"
/// (`heartline eval retrieval`).
public struct RetrievalEvaluation: Sendable {
    public struct Item: Sendable, Decodable {
        public var text: String
        /// One of the corpus categories, or `off-topic` (also `none`/empty) for chatter.
        public var category: String
    }

    public struct Report: Sendable {
        public var onTopic = 0
        public var top1 = 0
        public var top3 = 0
        /// On-topic questions that fell below the threshold (the user got a clarifying reply).
        public var onTopicBelowThreshold = 0
        public var offTopic = 0
        public var offTopicBelowThreshold = 0
        /// expected category → predicted top-1 category (`below-threshold` when nothing matched) → count.
        public var confusion: [String: [String: Int]] = [:]
        public var misses: [(text: String, expected: String, got: [String])] = []

        public var top1Accuracy: Double { onTopic == 0 ? 0 : Double(top1) / Double(onTopic) }
        public var top3Accuracy: Double { onTopic == 0 ? 0 : Double(top3) / Double(onTopic) }
        public var offTopicBelowThresholdRate: Double { offTopic == 0 ? 0 : Double(offTopicBelowThreshold) / Double(offTopic) }
        public var onTopicBelowThresholdRate: Double { onTopic == 0 ? 0 : Double(onTopicBelowThreshold) / Double(onTopic) }
    }

    public static let offTopicLabels: Set<String> = ["off-topic", "none", ""]

    public static func load(path: String) throws -> [Item] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw CorpusError.unreadable("\(path) does not exist or is not UTF-8")
        }
        var items: [Item] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let item = try? JSONDecoder().decode(Item.self, from: Data(line.utf8)) else {
                throw CorpusError.invalidLine(n + 1, "expected {\"text\", \"category\"}")
            }
            items.append(item)
        }
        return items
    }

    /// Category accuracy counts a question as right when the top category matches, whether or not
    /// it clears the threshold; the below-threshold rates are reported separately.
    public static func run(_ model: RetrievalModel, items: [Item]) -> Report {
        var report = Report()
        for item in items {
            let ranking = model.rank(item.text)
            let predicted = ranking.categories
            let answered = if case .answer(let i) = model.decide(item.text), !model.intents[i].outOfScope { true } else { false }
            if offTopicLabels.contains(item.category) {
                report.offTopic += 1
                if !answered { report.offTopicBelowThreshold += 1 }
                report.confusion[item.category, default: [:]][answered ? (predicted.first ?? "-") : "below-threshold", default: 0] += 1
                if answered { report.misses.append((item.text, item.category, Array(predicted.prefix(3)))) }
                continue
            }
            report.onTopic += 1
            if !answered { report.onTopicBelowThreshold += 1 }
            if predicted.first == item.category { report.top1 += 1 }
            if predicted.prefix(3).contains(item.category) { report.top3 += 1 }
            report.confusion[item.category, default: [:]][predicted.first ?? "-", default: 0] += 1
            if predicted.first != item.category { report.misses.append((item.text, item.category, Array(predicted.prefix(3)))) }
        }
        return report
    }
}
