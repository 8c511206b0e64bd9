/// The flyrae Chinese-Psychological-QA-DataSet: one JSON array of
/// `{ques_id, ques_info{title, content, answer_count, reward_num, ques_label[]}, staic_info{…},
/// answers_info[{recommend_flag, content, zan, shang, comment_count}]}`. Counts such as `zan`
/// are strings in the published dump and numbers in some re-exports; both are read.
public struct FlyraeSource: Sendable {
    public struct Options: Sendable, Equatable {
        /// The recipe keeps only answers flagged `推荐`.
        public var includeNonRecommended = false
        /// Minimum upvotes (`zan`) an answer needs.
        public var minimumUpvotes = 0
        /// Use the question's `content` after its title (the recipe does).
        public var includeContent = true
        /// Keep only questions carrying one of these `ques_label` values (empty: all).
        public var includeLabels: Set<String> = []
        /// Drop questions carrying any of these labels.
        public var excludeLabels: Set<String> = []

        public init() {}
    }

    public static let recommended = "推荐"

    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    /// The pairs of one question record; drops are counted per answer (per record when malformed).
    public func pairs(from record: JSONValue, at position: SourcePosition, drops: inout [DropReason: Int]) -> Result<[SourcePair], MalformedRecord> {
        guard record.members != nil else { return .failure(MalformedRecord("a question is a \(record.typeName), not an object", position)) }
        guard let info = record["ques_info"], info.members != nil else {
            return .failure(MalformedRecord("missing field ques_info", position))
        }
        guard let title = info["title"]?.string else { return .failure(MalformedRecord("missing field ques_info.title", position)) }
        guard let answers = record["answers_info"]?.array else {
            return .failure(MalformedRecord("missing field answers_info", position))
        }
        let labels = info["ques_label"]?.array?.compactMap(\.string) ?? []
        if (!options.includeLabels.isEmpty && !labels.contains(where: options.includeLabels.contains))
            || labels.contains(where: options.excludeLabels.contains)
        {
            drops[.labelFiltered, default: 0] += answers.count
            return .success([])
        }
        var question = title
        if options.includeContent, let content = info["content"]?.string, !content.isEmpty {
            question += "\n" + content
        }
        let id = record["ques_id"]?.text ?? "flyrae-\(position.record)"
        var out: [SourcePair] = []
        for answer in answers {
            guard let content = answer["content"]?.string else {
                drops[.malformedRecord, default: 0] += 1
                continue
            }
            if !options.includeNonRecommended, answer["recommend_flag"]?.string != Self.recommended {
                drops[.notRecommended, default: 0] += 1
                continue
            }
            if options.minimumUpvotes > 0, (answer["zan"]?.number ?? 0) < Double(options.minimumUpvotes) {
                drops[.belowMinimumUpvotes, default: 0] += 1
                continue
            }
            out.append(SourcePair(
                question: question, answer: content, groupKey: "flyrae:" + id,
                category: labels.first, source: .flyrae, position: position
            ))
        }
        return .success(out)
    }
}

/// A record without the fields a source needs. Carries the field name and position, no content.
public struct MalformedRecord: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public var position: SourcePosition

    public init(_ reason: String, _ position: SourcePosition) {
        self.reason = reason
        self.position = position
    }

    public var description: String { "record \(position.record) at \(position): \(reason)" }
}
