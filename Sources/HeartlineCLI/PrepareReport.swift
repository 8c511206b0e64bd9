import Datasets
import Foundation

/// The summary `dataset prepare` prints: read, kept, dropped by reason, characters, tokens.
struct PrepareReport {
    var summary: PrepareSummary
    var output: String
    var seconds: Double

    var text: String {
        var lines: [String] = []
        let read = summary.recordsRead.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.value) \($0.key.rawValue)" }.joined(separator: ", ")
        lines.append("Read \(read.isEmpty ? "nothing" : read) record(s); \(summary.candidates) candidate pair(s).")
        lines.append("Kept \(summary.kept) pair(s)\(summary.outputWritten ? " → \(output) (\(summary.bytesWritten) bytes)" : "").")
        if summary.droppedTotal > 0 {
            lines.append("Dropped \(summary.droppedTotal):")
            lines += summary.dropped.sorted { $0.key < $1.key }.map { "  \($0.key.rawValue): \($0.value)" }
        }
        if summary.sosThreads > 0 {
            let where_ = summary.sosPositions.prefix(5).map { "record \($0.record) (line \($0.line))" }.joined(separator: ", ")
            lines.append("SOS threads (efaqa label.s3) \(summary.includedSOS ? "kept" : "left out"): \(summary.sosThreads) — e.g. \(where_).")
        }
        if !summary.crisisCategories.isEmpty {
            lines.append("Crisis screen: " + summary.crisisCategories.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ".")
        }
        if summary.problemCount > 0 {
            lines.append("Unusable records: \(summary.problemCount)" + (summary.problemCount > summary.problems.count ? " (first \(summary.problems.count))" : "") + ":")
            lines += summary.problems.map { "  \($0)" }
        }
        if summary.kept > 0 {
            lines.append("Characters: \(summary.characters.total) (\(summary.characters.other) non-ASCII); estimated tokens: \(Int(summary.estimatedTokens.rounded())) per epoch.")
            let top = summary.categories.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(12)
            if !top.isEmpty { lines.append("Categories: " + top.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ".") }
        }
        lines.append(String(format: "Took %.1f s.", seconds))
        if summary.outputWritten {
            lines.append("Next: heartline dataset check \(output)")
        }
        return lines.joined(separator: "\n")
    }

    struct JSONShape: Encodable {
        var output: String
        var written: Bool
        var recordsRead: [String: Int]
        var candidates: Int
        var kept: Int
        var dropped: [String: Int]
        var characters: Int
        var nonASCIICharacters: Int
        var estimatedTokens: Int
        var bytesWritten: Int
        var sosThreads: Int
        var problems: [String]
        var categories: [String: Int]
        var seconds: Double
    }

    func encoded() -> Data {
        let shape = JSONShape(
            output: output, written: summary.outputWritten,
            recordsRead: Dictionary(uniqueKeysWithValues: summary.recordsRead.map { ($0.key.rawValue, $0.value) }),
            candidates: summary.candidates, kept: summary.kept,
            dropped: Dictionary(uniqueKeysWithValues: summary.dropped.map { ($0.key.rawValue, $0.value) }),
            characters: summary.characters.total, nonASCIICharacters: summary.characters.other,
            estimatedTokens: Int(summary.estimatedTokens.rounded()), bytesWritten: summary.bytesWritten,
            sosThreads: summary.sosThreads, problems: summary.problems, categories: summary.categories, seconds: seconds
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(shape)) ?? Data()
    }
}
