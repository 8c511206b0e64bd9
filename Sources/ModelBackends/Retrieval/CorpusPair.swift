import ChatCore
import Foundation

/// One question→answer pair the retrieval model can answer with.
public struct CorpusPair: Sendable, Equatable, Codable {
    public var id: String
    public var prompt: String
    public var completion: String
    public var category: String?
    public var lang: String?

    public init(id: String, prompt: String, completion: String, category: String? = nil, lang: String? = nil) {
        self.id = id
        self.prompt = prompt
        self.completion = completion
        self.category = category
        self.lang = lang
    }
}

/// Errors reading a corpus file. Messages carry line numbers, never content.
public enum CorpusError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(String)
    case invalidLine(Int, String)
    case empty

    public var description: String {
        switch self {
        case .unreadable(let why): "cannot read corpus: \(why)"
        case .invalidLine(let line, let why): "corpus line \(line): \(why)"
        case .empty: "the corpus has no usable question→answer pairs"
        }
    }
}

/// Reads retrieval corpora from JSONL. Accepts intent lines (`{"intent","questions":[…],
/// "answers":[…]}`, the starter corpus's format, with optional `category`, `lang`, `followup`),
/// `{"prompt","completion"}` lines (extra fields such as `id`, `category`, `lang` are used when
/// present) and `{"messages":[…]}` lines (each user message followed by an assistant message becomes
/// a pair). Prompts and completions written in the `PromptFormat` of a training file are unwrapped
/// (separator, leading space, stop sequence).
public enum CorpusLoader {
    private struct Line: Decodable {
        struct Message: Decodable {
            var role: String
            var content: String?
        }
        var id: String?
        var prompt: String?
        var completion: String?
        var category: String?
        var lang: String?
        var messages: [Message]?
        var intent: String?
        var questions: [String]?
        var answers: [String]?
        var followup: String?
        /// `"out"`: an out-of-scope intent (questions only).
        var scope: String?
    }

    /// Everything in a corpus file: intent lines as written, pair lines as pairs.
    public struct Contents: Sendable {
        public var intents: [Intent] = []
        public var pairs: [CorpusPair] = []

        /// Intent lines plus the pairs grouped into pseudo-intents (`IntentGrouper`).
        public var allIntents: [Intent] { intents + IntentGrouper.group(pairs) }
    }

    /// The intents of a corpus file (pairs grouped into pseudo-intents).
    public static func loadIntents(path: String, format: PromptFormat = .standard) throws -> [Intent] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CorpusError.unreadable("\(path) does not exist or is not readable")
        }
        return try contents(of: data, format: format).allIntents
    }

    public static func load(path: String, format: PromptFormat = .standard) throws -> [CorpusPair] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CorpusError.unreadable("\(path) does not exist or is not readable")
        }
        return try parse(data, format: format)
    }

    /// The pairs of a corpus file; an intent line gives one pair per question variant, its answers
    /// taken in turn.
    public static func parse(_ data: Data, format: PromptFormat = .standard) throws -> [CorpusPair] {
        let contents = try contents(of: data, format: format)
        var pairs: [CorpusPair] = []
        for intent in contents.intents {
            for (q, question) in intent.questions.enumerated() where !intent.answers.isEmpty {
                let answer = intent.answers[q % intent.answers.count]
                pairs.append(CorpusPair(id: "\(answer.id)/\(q + 1)", prompt: question, completion: answer.text, category: intent.category, lang: intent.lang))
            }
        }
        return pairs + contents.pairs
    }

    public static func contents(of data: Data, format: PromptFormat = .standard) throws -> Contents {
        guard let text = String(data: data, encoding: .utf8) else { throw CorpusError.unreadable("not valid UTF-8") }
        let decoder = JSONDecoder()
        var pairs: [CorpusPair] = []
        var intents: [Intent] = []
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.trimmedWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            let decoded: Line
            do {
                decoded = try decoder.decode(Line.self, from: Data(line.utf8))
            } catch {
                throw CorpusError.invalidLine(lineNumber, "not a JSON object with an intent, prompt/completion or messages")
            }
            if let id = decoded.intent {
                let questions = (decoded.questions ?? []).map { format.normalize($0) }.filter { !$0.isEmpty }
                let answers = (decoded.answers ?? []).map { format.normalize($0) }.filter { !$0.isEmpty }
                let outOfScope = decoded.scope == "out"
                guard !id.isEmpty, !questions.isEmpty, !answers.isEmpty || outOfScope else {
                    throw CorpusError.invalidLine(lineNumber, "an intent needs an id, questions and answers")
                }
                intents.append(Intent(
                    id: id, category: decoded.category, lang: decoded.lang, questions: questions,
                    answers: answers.enumerated().map { Intent.Answer(id: "\(id)#\($0.offset + 1)", text: $0.element) },
                    followUp: decoded.followup.map { format.normalize($0) }, outOfScope: outOfScope
                ))
            } else if let prompt = decoded.prompt, let completion = decoded.completion {
                let question = format.normalize(prompt.hasSuffix(format.separator) ? String(prompt.dropLast(format.separator.count)) : prompt)
                let answer = format.answer(fromCompletion: completion)
                guard !question.isEmpty, !answer.isEmpty else {
                    throw CorpusError.invalidLine(lineNumber, "empty prompt or completion")
                }
                pairs.append(CorpusPair(id: decoded.id ?? "line-\(lineNumber)", prompt: question, completion: answer, category: decoded.category, lang: decoded.lang))
            } else if let messages = decoded.messages {
                var turn = 0
                for (i, message) in messages.enumerated() where message.role == "user" {
                    guard i + 1 < messages.count, messages[i + 1].role == "assistant",
                          let q = message.content, let a = messages[i + 1].content,
                          !q.trimmedWhitespace().isEmpty,
                          !a.trimmedWhitespace().isEmpty
                    else { continue }
                    turn += 1
                    pairs.append(CorpusPair(
                        id: (decoded.id ?? "line-\(lineNumber)") + (turn > 1 ? "-\(turn)" : ""),
                        prompt: format.normalize(q), completion: format.normalize(a),
                        category: decoded.category, lang: decoded.lang
                    ))
                }
                if turn == 0 { throw CorpusError.invalidLine(lineNumber, "messages without a user→assistant pair") }
            } else {
                throw CorpusError.invalidLine(lineNumber, "needs prompt and completion, or messages")
            }
        }
        guard !pairs.isEmpty || !intents.isEmpty else { throw CorpusError.empty }
        return Contents(intents: intents, pairs: pairs)
    }

    /// The starter corpus shipped with Heartline (written by the project; see docs/starter-corpus.md),
    /// with the out-of-scope intents.
    public static func starter() throws -> [Intent] {
        try loadIntents(path: starterURL().path) + outOfScope()
    }

    /// Questions the assistant should not answer, as out-of-scope intents (docs/starter-corpus.md,
    /// "Out of scope"); added to the starter corpus and to an operator's corpus alike.
    public static func outOfScope() throws -> [Intent] {
        guard let url = Bundle.module.url(forResource: "out-of-scope", withExtension: "jsonl") else {
            throw CorpusError.unreadable("out-of-scope resource missing from the build")
        }
        return try loadIntents(path: url.path)
    }

    public static func starterURL() throws -> URL {
        guard let url = Bundle.module.url(forResource: "starter-corpus", withExtension: "jsonl") else {
            throw CorpusError.unreadable("starter corpus resource missing from the build")
        }
        return url
    }
}
