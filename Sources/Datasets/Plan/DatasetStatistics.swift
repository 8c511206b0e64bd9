import ChatCore

/// `dataset stats` of a training file: counts, length histograms, groups, duplicates, tokens.
public struct TrainingFileStatistics: Sendable {
    public var examples = 0
    public var chatExamples = 0
    public var questionLengths = LengthHistogram()
    public var answerLengths = LengthHistogram()
    public var groups = 0
    public var duplicates = 0
    public var characters = CharacterCount()
    public var bytes = 0
    public var categories: [String: Int] = [:]

    public static func compute(path: String, format: PromptFormat) throws(DatasetError) -> TrainingFileStatistics {
        var stats = TrainingFileStatistics()
        var groups: Set<Fingerprint> = []
        var seen: Set<Fingerprint> = []
        var reader = try TrainingFileReader(path: path)
        defer { reader.close() }
        while let example = try reader.next() {
            stats.examples += 1
            if case .chat = example.line { stats.chatExamples += 1 }
            let (question, answer) = example.line.questionAndAnswer(format: format)
            stats.questionLengths.add(question.unicodeScalars.count)
            stats.answerLengths.add(answer.unicodeScalars.count)
            stats.characters += example.line.characterCount
            stats.bytes += example.raw.count + 1
            groups.insert(example.line.groupKey(format: format))
            if !seen.insert(Fingerprint(bytes: example.raw)).inserted { stats.duplicates += 1 }
            var parser = JSONParser(bytes: example.raw, start: 0, end: example.raw.count, lenient: true)
            if let category = (try? parser.parseValue())?["category"]?.string { stats.categories[category, default: 0] += 1 }
        }
        stats.groups = groups.count
        return stats
    }
}

/// `dataset stats --flyrae/--efaqa`: what a source file holds before any filter.
public struct SourceStatistics: Sendable {
    public var records = 0
    public var malformed = 0
    public var invalid = 0
    /// flyrae answers, efaqa chats.
    public var answers = 0
    /// flyrae: flagged 推荐. efaqa: labelled knowledge and not negative.
    public var recipeAnswers = 0
    public var sosThreads = 0
    public var categories: [String: Int] = [:]
    public var answerLengths = LengthHistogram()

    public static func compute(path: String, kind: SourceKind, reader configuration: RecordReader.Configuration = .init()) throws(DatasetError) -> SourceStatistics {
        var stats = SourceStatistics()
        var reader = RecordReader(source: try DatasetInput.open(path: path), layout: kind.layout, configuration: configuration)
        defer { reader.close() }
        var drops: [DropReason: Int] = [:]
        let efaqa = EfaqaSource(options: { var o = EfaqaSource.Options(); o.includeSOS = true; return o }())
        while let item = try reader.next() {
            guard case .record(let value, let position) = item else {
                stats.invalid += 1
                continue
            }
            stats.records += 1
            switch kind {
            case .flyrae:
                let answers = value["answers_info"]?.array ?? []
                guard value["ques_info"]?["title"]?.string != nil else { stats.malformed += 1; continue }
                let label = value["ques_info"]?["ques_label"]?.array?.first?.string ?? "(none)"
                stats.categories[label, default: 0] += 1
                for answer in answers {
                    stats.answers += 1
                    if answer["recommend_flag"]?.string == FlyraeSource.recommended { stats.recipeAnswers += 1 }
                    stats.answerLengths.add(answer["content"]?.string?.unicodeScalars.count ?? 0)
                }
            case .efaqa:
                guard case .success(let extraction) = efaqa.pairs(from: value, at: position, drops: &drops) else { stats.malformed += 1; continue }
                let chats = value["chats"]?.array ?? []
                stats.answers += chats.count
                stats.recipeAnswers += extraction.pairs.count
                if extraction.isSOS { stats.sosThreads += 1 }
                let s1 = value["label"]?["s1"]?.text
                stats.categories[s1.map { EfaqaSource.concernNames[$0] ?? $0 } ?? "(none)", default: 0] += 1
                for chat in chats { stats.answerLengths.add(chat["value"]?.string?.unicodeScalars.count ?? 0) }
            case .generic:
                stats.categories[value["category"]?.string ?? "(none)", default: 0] += 1
            }
        }
        return stats
    }
}
