import Foundation

/// The one definition of how questions and answers are laid out for a completion model. Training
/// files (`dataset prepare`) are written with it, serving (`serve`, `ask`) prompts with it, and the
/// validator checks files against it: if the two sides differ, a fine-tuned model answers badly.
///
/// Layout (defaults):
/// ```
/// prompt:      <prior turns, if any> <question> "\n\n###\n\n"
/// completion:  " " <answer> " [END]"
/// ```
/// and at inference the stop sequence `" [END]"` is passed as `stop`.
public struct PromptFormat: Sendable, Codable, Equatable {
    /// Appended to every prompt; tells the model the question is over.
    public var separator: String
    /// Leading text of every completion (a single space, for tokenisation).
    public var completionPrefix: String
    /// Appended to every completion in training and passed as `stop` when serving.
    public var stopSequence: String
    /// How many prior turns are rendered before the question. Keep 0 unless the model was trained
    /// with context turns (`dataset prepare --context-turns`), which use this same rendering.
    public var historyTurns: Int
    /// Label of a prior user turn.
    public var userLabel: String
    /// Label of a prior answer.
    public var assistantLabel: String

    public init(
        separator: String = "\n\n###\n\n",
        completionPrefix: String = " ",
        stopSequence: String = " [END]",
        historyTurns: Int = 0,
        userLabel: String = "问：",
        assistantLabel: String = "答："
    ) {
        self.separator = separator
        self.completionPrefix = completionPrefix
        self.stopSequence = stopSequence
        self.historyTurns = historyTurns
        self.userLabel = userLabel
        self.assistantLabel = assistantLabel
    }

    public static let standard = PromptFormat()

    /// Normalises text the same way for training and serving: `\r\n` → `\n`, trimmed, and any
    /// occurrence of the separator or stop sequence removed so user text cannot fake the structure.
    public func normalize(_ text: String) -> String {
        // Fast paths (serving and dataset preparation call this for every text): Foundation's
        // replacing runs only when the text holds a `\r` or a marker's core.
        var t = text
        if t.utf8.contains(0x0D) {
            t = t.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        }
        for marker in [separator, stopSequence] {
            let core = marker.trimmedWhitespace()
            guard !core.isEmpty, Self.containsBytes(t, core) else { continue }
            t = t.replacingOccurrences(of: marker, with: " ")
            t = t.replacingOccurrences(of: core, with: " ")
        }
        return t.trimmedWhitespace()
    }

    /// Literal UTF-8 substring test (the markers are plain text; no Unicode folding wanted).
    static func containsBytes(_ text: String, _ needle: String) -> Bool {
        let n = Array(needle.utf8)
        guard let first = n.first else { return true }
        let h = Array(text.utf8)
        guard h.count >= n.count else { return false }
        var i = 0
        while i <= h.count - n.count {
            if h[i] == first, h[i..<(i + n.count)].elementsEqual(n) { return true }
            i += 1
        }
        return false
    }

    /// The prompt for a question with its prior turns (only the last `historyTurns` are used).
    public func prompt(question: String, history: [Turn] = []) -> String {
        prompt(question: question, context: history.map { ($0.question, $0.answer) })
    }

    /// The prompt for a question with prior (question, answer) pairs, oldest first.
    public func prompt(question: String, context: [(question: String, answer: String)]) -> String {
        var out = ""
        if historyTurns > 0 {
            for turn in context.suffix(historyTurns) {
                out += userLabel + normalize(turn.question) + "\n" + assistantLabel + normalize(turn.answer) + "\n\n"
            }
            if !out.isEmpty { out += userLabel }
        }
        return out + normalize(question) + separator
    }

    /// The training completion for an answer.
    public func completion(answer: String) -> String {
        completionPrefix + normalize(answer) + stopSequence
    }

    /// The answer inside a model's raw output: cut at the stop sequence (servers that ignore `stop`
    /// still get cleaned), without the completion prefix, trimmed.
    public func answer(fromCompletion raw: String) -> String {
        // Fast path: no marker characters at all.
        let markerScalars = Set((separator + stopSequence).unicodeScalars.filter { !$0.properties.isWhitespace })
        if !raw.unicodeScalars.contains(where: markerScalars.contains) { return raw.trimmedWhitespace() }
        var text = raw
        if let range = text.range(of: stopSequence) {
            text = String(text[..<range.lowerBound])
        }
        let trimmedStop = stopSequence.trimmingCharacters(in: .whitespacesAndNewlines)
        if !trimmedStop.isEmpty, let range = text.range(of: trimmedStop) {
            text = String(text[..<range.lowerBound])
        }
        if let range = text.range(of: separator) {
            text = String(text[..<range.lowerBound])
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
