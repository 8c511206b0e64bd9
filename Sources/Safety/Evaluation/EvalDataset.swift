import ChatCore
import Foundation

/// One labelled message for `heartline safety eval`.
public struct EvalItem: Sendable, Equatable {
    public enum Expectation: String, Sendable {
        /// Must be detected as a crisis.
        case crisis
        /// Either tier above none is right (PsySUICIDE passive ideation, exploring suicide).
        case concernOrCrisis = "concern-or-crisis"
        /// Must not be detected as a crisis.
        case notCrisis = "not-crisis"
    }

    public var text: String
    public var expected: Expectation
    /// Labels for per-kind recall (`hard_negative`, `slang`, `自杀计划`…).
    public var kinds: [String]
    /// Earlier questions of the session, oldest first.
    public var recent: [String]
    /// The labelled tier, when the file gives one (`"tier"` in the sealed format).
    public var tier: SafetyTier?
    /// How it is written (`direct`, `pinyin`, `long_buried`…), when the file says.
    public var register: String?

    public init(text: String, expected: Expectation, kinds: [String] = [], recent: [String] = [], tier: SafetyTier? = nil, register: String? = nil) {
        self.text = text
        self.expected = expected
        self.kinds = kinds
        self.recent = recent
        self.tier = tier
        self.register = register
    }

    /// A hard negative: `kind` `negative:…` (sealed format) or `hard_negative` (older sets).
    public var isHardNegative: Bool {
        kinds.contains { $0.hasPrefix("negative:") || $0 == "hard_negative" }
    }
}

public enum EvalDatasetError: Error, Sendable, CustomStringConvertible {
    case unreadable(String)
    case badLine(Int, String)
    case unknownFormat

    public var description: String {
        switch self {
        case .unreadable(let path): "cannot read \(path)"
        case .badLine(let line, let why): "line \(line): \(why)"
        case .unknownFormat: "not JSONL ({\"text\",\"crisis\"}) nor a PsySUICIDE JSON array"
        }
    }
}

/// Reads evaluation files: JSONL `{"text", "crisis": bool, "kind"?, "recent"?}`, the sealed format
/// (`{"text", "tier", "crisis"?, "kind", "register", "recent"?}`, Tests/Fixtures/safety/README or
/// docs/safety.md) or the PsySUICIDE JSON array (`{"text", "labels": [...]}` with Chinese labels).
public enum EvalDataset {
    /// PsySUICIDE labels that mean crisis for Heartline's policy.
    public static let crisisLabels: Set<String> = [
        "主动自杀意图", "自杀计划", "自杀准备行为", "自杀未遂", "自伤行为", "自伤意图", "用户攻击行为", "他人攻击行为",
    ]
    /// Labels where concern or crisis are both right.
    public static let eitherLabels: Set<String> = ["被动自杀意图", "关于自杀的探索"]

    public static func load(path: String) throws(EvalDatasetError) -> [EvalItem] {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path) }
        return try parse(data)
    }

    public static func parse(_ data: Data) throws(EvalDatasetError) -> [EvalItem] {
        // The first character that is not space, a byte-order mark or part of a `#` comment line.
        var start: UInt8?
        var inComment = false
        for byte in data {
            if inComment { inComment = byte != 0x0A; continue }
            if byte == UInt8(ascii: "#") { inComment = true; continue }
            if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 || byte == 0xEF || byte == 0xBB || byte == 0xBF { continue }
            start = byte
            break
        }
        if start == UInt8(ascii: "[") { return try psySuicide(data) }
        if start == UInt8(ascii: "{") { return try jsonl(data) }
        throw .unknownFormat
    }

    static func jsonl(_ data: Data) throws(EvalDatasetError) -> [EvalItem] {
        struct Line: Decodable {
            var text: String
            var crisis: Bool?
            var tier: String?
            var register: String?
            var kind: String?
            var recent: [String]?
            /// Same as `recent` (earlier turns, oldest first); accepted for other tools' files.
            var history: [String]?
        }
        var items: [EvalItem] = []
        for (index, raw) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let trimmed = raw.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
            if trimmed.isEmpty || trimmed.first == UInt8(ascii: "#") { continue }
            let expectation = "expected {\"text\": string, \"crisis\": bool or \"tier\": crisis|concern|none, \"kind\"?: string, \"recent\"?: [string]}"
            guard let line = try? JSONDecoder().decode(Line.self, from: Data(trimmed)) else { throw .badLine(index + 1, expectation) }
            let tier = line.tier.flatMap(SafetyTier.init(rawValue:))
            if line.tier != nil, tier == nil { throw .badLine(index + 1, "tier must be crisis, concern or none") }
            guard let crisis = tier.map({ $0 == .crisis }) ?? line.crisis else { throw .badLine(index + 1, expectation) }
            items.append(EvalItem(
                text: line.text, expected: crisis ? .crisis : .notCrisis,
                kinds: line.kind.map { [$0] } ?? [], recent: line.recent ?? line.history ?? [], tier: tier, register: line.register
            ))
        }
        return items
    }

    static func psySuicide(_ data: Data) throws(EvalDatasetError) -> [EvalItem] {
        struct Entry: Decodable {
            var text: String
            var labels: [String]
        }
        guard let entries = try? JSONDecoder().decode([Entry].self, from: data) else { throw .unknownFormat }
        return entries.map { entry in
            let labels = Set(entry.labels)
            let expected: EvalItem.Expectation =
                !labels.isDisjoint(with: crisisLabels) ? .crisis : !labels.isDisjoint(with: eitherLabels) ? .concernOrCrisis : .notCrisis
            return EvalItem(text: entry.text, expected: expected, kinds: entry.labels)
        }
    }
}
