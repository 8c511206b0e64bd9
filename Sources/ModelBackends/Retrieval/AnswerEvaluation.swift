import ChatCore
import Foundation

/// Scores whole replies, not categories (`heartline eval answers`): for each labelled question,
/// did the model answer the right intent, answer a wrong one (the worst outcome), ask a follow-up
/// or offer the menu — and does any reply name a person, relationship or pet the question did not.
///
/// "Correct" depends on the corpus. With intents (the starter corpus) the answered intent must be
/// the labelled one. With an operator's corpus of pseudo-intents the labels cannot name its
/// intents, so an answer counts as correct when its category equals the labelled intent's category
/// (from `taxonomy`), or — for a corpus without categories — when the answered pseudo-intent is the
/// case's near-duplicate (same `IntentGrouper` key); cases that neither rule can judge are counted
/// as `unjudged` and left out of the rates.
public struct AnswerEvaluation: Sendable {
    public struct Case: Sendable, Decodable {
        public var id: String?
        public var text: String
        public var intent: String
        public var lang: String?
        public var recent: [String]?
    }

    public enum Outcome: String, Sendable {
        case correct, wrong, followUp = "follow-up", menu, unjudged
    }

    public struct Report: Sendable {
        public var inScope: [Outcome: Int] = [:]
        public var outOfScope: [Outcome: Int] = [:]
        /// Answers naming a role absent from the question (and from the case's earlier messages).
        public var roleInconsistent = 0
        public var misses: [(text: String, expected: String, got: String, outcome: Outcome)] = []
        public var roleMisses: [(text: String, answerID: String, roles: [String])] = []

        public var inScopeJudged: Int { inScope.filter { $0.key != .unjudged }.values.reduce(0, +) }
        public var outOfScopeCount: Int { outOfScope.values.reduce(0, +) }
        public func rate(_ outcome: Outcome) -> Double {
            inScopeJudged == 0 ? 0 : Double(inScope[outcome] ?? 0) / Double(inScopeJudged)
        }
        /// Out-of-scope questions that got a follow-up or the menu rather than an answer.
        public var outOfScopeHeld: Double {
            outOfScopeCount == 0 ? 0 : Double((outOfScope[.followUp] ?? 0) + (outOfScope[.menu] ?? 0)) / Double(outOfScopeCount)
        }
    }

    public static let outOfScope = "out_of_scope"

    public static func load(path: String) throws -> [Case] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw CorpusError.unreadable("\(path) does not exist or is not UTF-8")
        }
        var cases: [Case] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let item = try? JSONDecoder().decode(Case.self, from: Data(trimmed.utf8)) else {
                throw CorpusError.invalidLine(n + 1, "expected {\"text\", \"intent\"}")
            }
            cases.append(item)
        }
        return cases
    }

    /// `taxonomy`: intent id → category (intents.tsv), used to judge pseudo-intent corpora.
    public static func run(_ model: RetrievalModel, cases: [Case], taxonomy: [String: String] = [:]) async throws -> Report {
        var report = Report()
        let byID = Dictionary(model.intents.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        let byKey = Dictionary(model.intents.enumerated().flatMap { i, intent in intent.questions.map { (IntentGrouper.key($0), i) } }, uniquingKeysWith: { a, _ in a })
        for item in cases {
            let language: ReplyLanguage = item.lang == "en" ? .en : item.lang == "zh" ? .zh : ReplyLanguage(text: item.text, languageTag: nil)
            var history: [Turn] = []
            for earlier in item.recent ?? [] {
                let c = try await model.complete(Self.request(earlier, history: history, language: language))
                history.append(Turn(question: earlier, answer: c.text, at: Date(timeIntervalSince1970: 0), answerID: c.answerID))
            }
            let completion = try await model.complete(Self.request(item.text, history: history, language: language))
            let got = completion.answerID ?? "menu"
            // Answers state things; a follow-up only asks ("是和孩子有关吗？"), so only answers count.
            if completion.answerID != nil, !completion.isClarification {
                let context = ((item.recent ?? []) + [item.text]).joined(separator: "\n")
                let roles = RoleConsistency.invented(reply: completion.text, question: context)
                if !roles.isEmpty {
                    report.roleInconsistent += 1
                    report.roleMisses.append((item.text, got, roles))
                }
            }
            let outcome: Outcome
            if completion.answerID == nil {
                outcome = .menu
            } else if completion.isClarification {
                outcome = .followUp
            } else if item.intent == outOfScope {
                outcome = .wrong
            } else {
                let answered = model.intents.firstIndex { $0.answers.contains { $0.id == completion.answerID } }
                outcome = judge(answered: answered, expected: item, model: model, byID: byID, byKey: byKey, taxonomy: taxonomy)
            }
            if item.intent == outOfScope {
                report.outOfScope[outcome, default: 0] += 1
            } else {
                report.inScope[outcome, default: 0] += 1
            }
            if outcome != .correct, !(item.intent == outOfScope && outcome != .wrong) {
                report.misses.append((item.text, item.intent, got, outcome))
            }
        }
        return report
    }

    static func judge(answered: Int?, expected: Case, model: RetrievalModel, byID: [String: Int], byKey: [String: Int], taxonomy: [String: String]) -> Outcome {
        guard let answered else { return .wrong }
        if byID[expected.intent] != nil { return byID[expected.intent] == answered ? .correct : .wrong }
        if let category = taxonomy[expected.intent], let got = model.intents[answered].category {
            return got == category ? .correct : .wrong
        }
        if let twin = byKey[IntentGrouper.key(expected.text)] { return twin == answered ? .correct : .wrong }
        return .unjudged
    }

    static func request(_ text: String, history: [Turn], language: ReplyLanguage) -> CompletionRequest {
        CompletionRequest(
            question: text, history: history, prompt: text, userHash: UserHash("eval"), language: language,
            recentAnswerIDs: Set(history.compactMap(\.answerID)), deadline: .now + .seconds(60)
        )
    }

    /// Reads intents.tsv (`intent_id<TAB>category<TAB>description`) into id → category.
    public static func taxonomy(tsv: String) -> [String: String] {
        var map: [String: String] = [:]
        for line in tsv.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            if fields.count >= 2 { map[String(fields[0])] = String(fields[1]) }
        }
        return map
    }

    /// The taxonomy shipped with the starter corpus.
    public static func bundledTaxonomy() -> [String: String] {
        guard let url = Bundle.module.url(forResource: "intents", withExtension: "tsv"),
              let text = try? String(contentsOf: url, encoding: .utf8) else { return [:] }
        return taxonomy(tsv: text)
    }
}
