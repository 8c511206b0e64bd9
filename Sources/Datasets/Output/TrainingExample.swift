import ChatCore

/// One training example, rendered with the one `PromptFormat` serving also uses.
public struct TrainingExample: Sendable, Equatable {
    public var question: String
    public var answer: String
    public var context: [ContextTurn]

    public init(question: String, answer: String, context: [ContextTurn] = []) {
        self.question = question
        self.answer = answer
        self.context = context
    }
}

/// Output layouts of `dataset prepare`.
public enum TrainingFormat: Sendable, Equatable {
    /// `{"prompt","completion"}` for completion models (babbage-002, davinci-002).
    case completion(PromptFormat)
    /// `{"messages":[…]}` for chat models, with an optional system prompt.
    case chat(systemPrompt: String?, historyTurns: Int)

    /// Appends one JSON line (with its `\n`) and returns the characters of its text fields
    /// (everything the model is trained on: for chat, all messages).
    @discardableResult
    public func append(_ example: TrainingExample, to out: inout [UInt8]) -> (prompt: CharacterCount, completion: CharacterCount) {
        switch self {
        case .completion(let format):
            let prompt = format.prompt(question: example.question, context: example.context.map { ($0.question, $0.answer) })
            let completion = format.completion(answer: example.answer)
            JSONLEncoder.appendObject([("prompt", prompt), ("completion", completion)], to: &out)
            out.append(0x0A)
            return (CharacterCount(prompt), CharacterCount(completion))
        case .chat(let systemPrompt, let historyTurns):
            var messages: [(String, String)] = []
            if let systemPrompt, !systemPrompt.isEmpty { messages.append(("system", systemPrompt)) }
            for turn in example.context.suffix(historyTurns) {
                messages.append(("user", turn.question))
                messages.append(("assistant", turn.answer))
            }
            messages.append(("user", example.question))
            messages.append(("assistant", example.answer))
            out.append(contentsOf: Array(#"{"messages":["#.utf8))
            var promptCharacters = CharacterCount()
            for (index, message) in messages.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONLEncoder.appendObject([("role", message.0), ("content", message.1)], to: &out)
                if index < messages.count - 1 { promptCharacters += CharacterCount(message.1) }
            }
            out.append(contentsOf: Array("]}\n".utf8))
            return (promptCharacters, CharacterCount(example.answer))
        }
    }
}
