import ChatCore
import Foundation

/// One situation people bring (an *intent*): the many ways it is asked, the answers that are true
/// for anyone in it, and the one question to ask when a message only probably means it.
///
/// The starter corpus is written as intents (docs/starter-corpus.md). An operator's question→answer
/// pairs become pseudo-intents: near-identical questions grouped together (`IntentGrouper`).
public struct Intent: Sendable, Equatable {
    public struct Answer: Sendable, Equatable {
        /// Stable id, reported as `Completion.answerID` and remembered in the session.
        public var id: String
        public var text: String

        public init(id: String, text: String) {
            self.id = id
            self.text = text
        }
    }

    public var id: String
    public var category: String?
    /// `zh` or `en`; nil when unknown (then taken from the questions).
    public var lang: String?
    public var questions: [String]
    public var answers: [Answer]
    /// The specific follow-up asked when the gate thinks this intent is likely but not certain.
    public var followUp: String?
    /// Questions the assistant should not answer (code, homework, recipes, dosing…): no answers of
    /// its own; when it wins, the reply says what Heartline is for (`RetrievalModel`).
    public var outOfScope: Bool

    public init(
        id: String, category: String? = nil, lang: String? = nil, questions: [String], answers: [Answer], followUp: String? = nil,
        outOfScope: Bool = false
    ) {
        self.id = id
        self.category = category
        self.lang = lang
        self.questions = questions
        self.answers = answers
        self.followUp = followUp
        self.outOfScope = outOfScope
    }

    /// The answer id a follow-up about this intent carries (`followup:<intent>`), so a session and
    /// the evaluation can tell it from an answer.
    public var followUpID: String { Self.followUpPrefix + id }

    public static let followUpPrefix = "followup:"
}

/// Groups question→answer pairs into pseudo-intents: pairs whose questions are identical after
/// folding (width, case, Traditional characters), with punctuation, spaces, emoji and sentence-final
/// particles removed, share one intent and its answers. This is exact-key grouping — linear in the
/// corpus, so 100k pairs group in well under a second — not fuzzy clustering: two differently
/// worded questions stay two intents, and the gate's margin treats them as rivals only when they
/// belong to different categories (see `RelevanceGate`).
public enum IntentGrouper {
    public static func group(_ pairs: [CorpusPair]) -> [Intent] {
        var intents: [Intent] = []
        var position: [String: Int] = [:]
        for pair in pairs {
            let key = (pair.lang ?? "") + "|" + (pair.category ?? "") + "|" + Self.key(pair.prompt)
            if let i = position[key] {
                if !intents[i].answers.contains(where: { $0.text == pair.completion }) {
                    intents[i].answers.append(Intent.Answer(id: pair.id, text: pair.completion))
                }
                if !intents[i].questions.contains(pair.prompt) { intents[i].questions.append(pair.prompt) }
            } else {
                position[key] = intents.count
                intents.append(Intent(
                    id: "q:" + pair.id, category: pair.category, lang: pair.lang,
                    questions: [pair.prompt], answers: [Intent.Answer(id: pair.id, text: pair.completion)]
                ))
            }
        }
        return intents
    }

    /// The grouping key: letters and digits of the folded text, minus trailing particles.
    static func key(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in TextNormalizer.fold(text).unicodeScalars where scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
            scalars.append(scalar)
        }
        var key = String(scalars)
        while let last = key.last, "吗呢吧啊呀嘛哦哈啦".contains(last) { key.removeLast() }
        return key
    }
}
