import ChatCore

/// Generic JSON lines: `{"prompt","completion"}` (optionally already in `PromptFormat`, which is
/// unwrapped) or `{"messages":[…]}` where each user message followed by an assistant message is
/// a pair and earlier pairs of the conversation are its context.
public struct GenericSource: Sendable {
    public var format: PromptFormat

    public init(format: PromptFormat = .standard) {
        self.format = format
    }

    public func pairs(from record: JSONValue, at position: SourcePosition) -> Result<[SourcePair], MalformedRecord> {
        guard record.members != nil else { return .failure(MalformedRecord("a line holds a \(record.typeName), not an object", position)) }
        let group = record["id"]?.text ?? record["group"]?.text
        let category = record["category"]?.string
        if let prompt = record["prompt"] {
            guard let promptText = prompt.string else { return .failure(MalformedRecord("prompt is a \(prompt.typeName), not a string", position)) }
            guard let completion = record["completion"]?.string else { return .failure(MalformedRecord("missing string field completion", position)) }
            var question = promptText
            if !format.separator.isEmpty, question.hasSuffix(format.separator) { question.removeLast(format.separator.count) }
            let answer = format.answer(fromCompletion: completion)
            return .success([SourcePair(
                question: question, answer: answer, groupKey: group ?? "prompt:" + question,
                category: category, source: .generic, position: position
            )])
        }
        guard let messages = record["messages"]?.array else {
            return .failure(MalformedRecord("needs prompt and completion, or messages", position))
        }
        var pairs: [SourcePair] = []
        var context: [ContextTurn] = []
        var pendingQuestion: String?
        for message in messages {
            guard let role = message["role"]?.string else { return .failure(MalformedRecord("a message has no role", position)) }
            let content = message["content"]?.string ?? ""
            switch role {
            case "user":
                pendingQuestion = content
            case "assistant":
                guard let question = pendingQuestion else { continue }
                pairs.append(SourcePair(
                    question: question, answer: content, context: context,
                    groupKey: group ?? "chat:\(position.record)", category: category, source: .generic, position: position
                ))
                context.append(ContextTurn(question: question, answer: content))
                pendingQuestion = nil
            default:
                continue
            }
        }
        if pairs.isEmpty { return .failure(MalformedRecord("messages without a user→assistant pair", position)) }
        return .success(pairs)
    }
}
