/// efaqa-corpus-zh: JSON lines (the published file is gzip) of
/// `{md5, title, description, owner, label{s1, s2, s3}, chats[{time, sender, type, value,
/// label{knowledge, question, negative}}]}`. Label ids: s1 = concern type (1.1–1.19),
/// s2 = suspected disorder (2.1–2.8), s3 = SOS (3.1–3.5; 3.6 means no tendency to harm).
public struct EfaqaSource: Sendable {
    public struct Options: Sendable, Equatable {
        /// The recipe keeps chats labelled `knowledge: true`…
        public var requireKnowledge = true
        /// …and not `negative: true`.
        public var excludeNegative = true
        /// Keep only replies from other users (`sender == "audience"`); the recipe does not filter.
        public var audienceOnly = false
        /// Append the thread's `description` to the title (the recipe uses the title alone).
        public var includeDescription = false
        /// SOS threads are reported and left out unless this is set: a model must not learn crisis
        /// answers from forum replies.
        public var includeSOS = false
        /// `s1=1.6` style filters: keep threads matching any (empty: all).
        public var includeLabels: [LabelMatch] = []
        /// Drop threads matching any.
        public var excludeLabels: [LabelMatch] = []

        public init() {}
    }

    /// A `key=value` label filter (`s1=1.6`, or `s1=1.` for a prefix when it ends with a dot).
    public struct LabelMatch: Sendable, Equatable {
        public var key: String
        public var value: String

        public init?(_ text: String) {
            let parts = text.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, ["s1", "s2", "s3"].contains(parts[0]), !parts[1].isEmpty else { return nil }
            key = parts[0]
            value = parts[1]
        }

        func matches(_ labels: [String: String]) -> Bool {
            guard let actual = labels[key] else { return false }
            return value.hasSuffix(".") ? actual.hasPrefix(value) : actual == value
        }
    }

    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    /// True when `s3` marks an SOS topic (3.1–3.5, or any other 3.x except 3.6, to err on the safe side).
    public static func isSOS(_ s3: String?) -> Bool {
        guard let s3 = s3?.trimmingCharacters(in: .whitespaces), s3.hasPrefix("3.") else { return false }
        return s3 != "3.6"
    }

    public struct Extraction: Sendable {
        public var pairs: [SourcePair] = []
        public var isSOS = false
    }

    public func pairs(from record: JSONValue, at position: SourcePosition, drops: inout [DropReason: Int]) -> Result<Extraction, MalformedRecord> {
        guard record.members != nil else { return .failure(MalformedRecord("a line holds a \(record.typeName), not an object", position)) }
        guard let title = record["title"]?.string else { return .failure(MalformedRecord("missing field title", position)) }
        guard let chats = record["chats"]?.array else { return .failure(MalformedRecord("missing field chats", position)) }
        var labels: [String: String] = [:]
        for member in record["label"]?.members ?? [] {
            if let value = member.value.text { labels[member.key] = value }
        }
        var extraction = Extraction()
        extraction.isSOS = Self.isSOS(labels["s3"])
        if extraction.isSOS, !options.includeSOS {
            drops[.sosTopic, default: 0] += chats.count
            return .success(extraction)
        }
        if (!options.includeLabels.isEmpty && !options.includeLabels.contains(where: { $0.matches(labels) }))
            || options.excludeLabels.contains(where: { $0.matches(labels) })
        {
            drops[.labelFiltered, default: 0] += chats.count
            return .success(extraction)
        }
        var question = title
        if options.includeDescription, let description = record["description"]?.string, !description.isEmpty {
            question += "\n" + description
        }
        let id = record["md5"]?.text ?? "efaqa-\(position.record)"
        let category = labels["s1"].map { EfaqaSource.concernNames[$0] ?? $0 }
        for chat in chats {
            guard let value = chat["value"]?.string else {
                drops[.malformedRecord, default: 0] += 1
                continue
            }
            let label = chat["label"]
            if options.requireKnowledge, label?["knowledge"]?.bool != true {
                drops[.notKnowledge, default: 0] += 1
                continue
            }
            if options.excludeNegative, label?["negative"]?.bool == true {
                drops[.negative, default: 0] += 1
                continue
            }
            if options.audienceOnly, chat["sender"]?.string != "audience" {
                drops[.ownerMessage, default: 0] += 1
                continue
            }
            extraction.pairs.append(SourcePair(
                question: question, answer: value, groupKey: "efaqa:" + id,
                category: category, source: .efaqa, position: position
            ))
        }
        return .success(extraction)
    }

    /// Names of the s1 concern types (the efaqa taxonomy, also used by the starter corpus).
    public static let concernNames: [String: String] = [
        "1.1": "学业与未来规划", "1.2": "工作", "1.3": "家庭", "1.4": "物质滥用", "1.5": "悲恸",
        "1.6": "失眠", "1.7": "压力", "1.8": "人际关系", "1.9": "情感关系", "1.10": "离婚",
        "1.11": "分手", "1.12": "自我探索", "1.13": "低自尊", "1.14": "青春期", "1.15": "强迫",
        "1.16": "其它", "1.17": "LGBT", "1.18": "性", "1.19": "亲子",
    ]
}

import Foundation
