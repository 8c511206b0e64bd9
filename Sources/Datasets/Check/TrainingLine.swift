import ChatCore

/// A line of a training file, interpreted: the prompt/completion layout (C.8, completions) or the
/// chat layout (`messages`). Also used by split, stats and estimate.
public enum TrainingLine: Sendable, Equatable {
    case completion(prompt: String, completion: String)
    case chat(messages: [ChatMessage])

    public struct ChatMessage: Sendable, Equatable {
        public var role: String
        public var content: String
    }

    /// Interprets a parsed line, or returns why it cannot be used.
    public static func interpret(_ value: JSONValue) -> Result<TrainingLine, Problem> {
        guard let members = value.members else { return .failure(Problem("the line holds a JSON \(value.typeName), not an object")) }
        if let messages = value["messages"] {
            guard let list = messages.array, !list.isEmpty else { return .failure(Problem("`messages` must be a non-empty array")) }
            var out: [ChatMessage] = []
            for message in list {
                guard let role = message["role"]?.string else { return .failure(Problem("a message has no string `role`")) }
                guard allowedRoles.contains(role) else { return .failure(Problem("unknown role `\(role)`")) }
                let content = message["content"]
                if let text = content?.string {
                    out.append(ChatMessage(role: role, content: text))
                } else if role == "assistant", content == nil || content == .null, message["tool_calls"] != nil || message["function_call"] != nil {
                    out.append(ChatMessage(role: role, content: ""))
                } else {
                    return .failure(Problem("a `\(role)` message has no string `content`"))
                }
                if let weight = message["weight"], weight != .number(0), weight != .number(1) {
                    return .failure(Problem("`weight` must be 0 or 1"))
                }
            }
            guard out.contains(where: { $0.role == "assistant" }) else { return .failure(Problem("no assistant message")) }
            return .success(.chat(messages: out))
        }
        let prompt = members.first { $0.key == "prompt" }?.value
        let completion = members.first { $0.key == "completion" }?.value
        guard let promptText = prompt?.string, let completionText = completion?.string else {
            return .failure(Problem("needs string `prompt` and `completion`, or `messages`"))
        }
        return .success(.completion(prompt: promptText, completion: completionText))
    }

    /// Why a line is not a usable example.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    static let allowedRoles: Set<String> = ["system", "developer", "user", "assistant", "tool", "function"]

    /// The text the model is trained on (for lengths and token estimates).
    public var characterCount: CharacterCount {
        switch self {
        case .completion(let prompt, let completion):
            var count = CharacterCount(prompt)
            count += CharacterCount(completion)
            return count
        case .chat(let messages):
            var count = CharacterCount()
            for message in messages { count += CharacterCount(message.content) }
            return count
        }
    }

    /// Answers to one question share this key: the prompt without its separator, or the
    /// conversation's user turns.
    public func groupKey(format: PromptFormat) -> Fingerprint {
        switch self {
        case .completion(let prompt, _):
            var question = prompt
            if !format.separator.isEmpty, question.hasSuffix(format.separator) { question.removeLast(format.separator.count) }
            return Fingerprint(Deduplicator.normalized(question))
        case .chat(let messages):
            let users = messages.filter { $0.role == "user" }.map(\.content).joined(separator: "\u{1}")
            return Fingerprint(Deduplicator.normalized(users))
        }
    }

    /// The question and answer texts, unwrapped from the prompt format (for stats).
    public func questionAndAnswer(format: PromptFormat) -> (question: String, answer: String) {
        switch self {
        case .completion(let prompt, let completion):
            var question = prompt
            if !format.separator.isEmpty, question.hasSuffix(format.separator) { question.removeLast(format.separator.count) }
            return (question, format.answer(fromCompletion: completion))
        case .chat(let messages):
            let answer = messages.last { $0.role == "assistant" }?.content ?? ""
            let question = messages.last { $0.role == "user" }?.content ?? ""
            return (question, answer)
        }
    }
}
