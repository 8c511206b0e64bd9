import ChatCore
import Foundation

/// The embedded default model. It answers only when one intent clearly wins (`RelevanceGate`):
/// then with one of that intent's answers, rotating through them within a session. When an intent
/// is likely but not certain it asks that intent's follow-up; when the message has no usable
/// content it offers the menu of topics. Deterministic for a given question and session.
public final class RetrievalModel: CompletionModel {
    public typealias Configuration = RelevanceGate.Configuration

    public let name: String
    public let intents: [Intent]
    public let configuration: Configuration
    let index: IntentIndex

    public init(intents: [Intent], name: String = "retrieval", configuration: Configuration = Configuration(), tokenizer: RetrievalTokenizer = RetrievalTokenizer()) {
        self.name = name
        self.intents = intents
        self.configuration = configuration
        self.index = IntentIndex(intents: intents, tokenizer: tokenizer)
    }

    /// An operator's question→answer pairs, near-identical questions grouped into pseudo-intents.
    public convenience init(pairs: [CorpusPair], name: String = "retrieval", configuration: Configuration = Configuration(), tokenizer: RetrievalTokenizer = RetrievalTokenizer()) {
        self.init(intents: IntentGrouper.group(pairs), name: name, configuration: configuration, tokenizer: tokenizer)
    }

    /// Number of question variants indexed.
    public var questionCount: Int { index.questionCount }

    public func rank(_ question: String) -> IntentIndex.Ranking {
        index.rank(question, candidates: configuration.candidates, classifierWeight: configuration.classifierWeight)
    }

    /// What the gate decides for a question with no conversation context.
    public func decide(_ question: String) -> RelevanceGate.Decision {
        RelevanceGate(configuration: configuration, intents: intents).decide(rank(question))
    }

    public func complete(_ request: CompletionRequest) async throws -> Completion {
        let gate = RelevanceGate(configuration: configuration, intents: intents)
        var decision = gate.decide(rank(request.question))
        var asked = request.question
        // The user is answering our follow-up: read their reply together with what they said before,
        // and never ask a second follow-up in a row.
        if case .answer = decision {} else if let previous = request.history.last,
            previous.answerID?.hasPrefix(Intent.followUpPrefix) == true {
            asked = previous.question + "\n" + request.question
            decision = gate.decideAfterFollowUp(rank(asked))
        }
        // An answer never names a person, relationship or pet the user did not mention ("爷爷走了"
        // must not be told about a father): only role-clean answers are given; with none, the
        // intent's follow-up is asked instead.
        var clean: [Intent.Answer] = []
        if case .answer(let i) = decision, !intents[i].outOfScope {
            clean = intents[i].answers.filter { RoleConsistency.invented(reply: $0.text, question: asked).isEmpty }
            if clean.isEmpty { decision = .followUp(i) }
        }
        switch decision {
        case .answer(let i) where intents[i].outOfScope:
            // Clearly a question for someone else (code, homework, dosing…): say what Heartline is
            // for rather than answer it or pretend it is a feeling.
            return Completion(
                text: Self.outOfScopeReply(request.language), model: name, origin: .retrieval, isClarification: true, intent: intents[i].id
            )
        case .followUp(let i) where intents[i].outOfScope:
            return Completion(text: Self.clarification(request.language), model: name, origin: .retrieval, isClarification: true)
        case .answer(let i):
            let intent = intents[i]
            let answer = Self.rotate(clean, recent: request.recentAnswerIDs, history: request.history)
            // The gate answers only when one intent wins clearly (classifier and question match agree,
            // with a margin over the runner-up): that is what "confidently on topic" means for the
            // pipeline's concern replies, which may then include this answer.
            return Completion(
                text: answer.text, model: name, origin: .retrieval, answerID: answer.id, category: intent.category,
                onTopicConfidence: 1.0, intent: intent.id
            )
        case .followUp(let i):
            let intent = intents[i]
            let text = intent.followUp ?? CategoryFollowUps.text(for: intent.category, language: request.language)
            return Completion(text: text, model: name, origin: .retrieval, answerID: intent.followUpID, category: intent.category, isClarification: true, intent: intent.id)
        case .askMore:
            let text = CategoryFollowUps.text(for: nil, language: request.language)
            return Completion(text: text, model: name, origin: .retrieval, answerID: Intent.followUpPrefix, isClarification: true)
        case .menu:
            return Completion(text: Self.clarification(request.language), model: name, origin: .retrieval, isClarification: true)
        }
    }

    /// The first answer not given recently; when all were, the one given longest ago.
    static func rotate(_ answers: [Intent.Answer], recent: Set<String>, history: [Turn]) -> Intent.Answer {
        if let fresh = answers.first(where: { !recent.contains($0.id) }) { return fresh }
        var lastUse: [String: Int] = [:]
        for (t, turn) in history.enumerated() { if let id = turn.answerID { lastUse[id] = t } }
        return answers.min { (lastUse[$0.id] ?? -1) < (lastUse[$1.id] ?? -1) } ?? answers[0]
    }

    static func language(of text: String) -> String {
        text.unicodeScalars.contains(where: TextNormalizer.isCJK) ? "zh" : "en"
    }

    /// The reply to a question outside what Heartline is for.
    public static func outOfScopeReply(_ language: ReplyLanguage) -> String {
        switch language {
        case .zh:
            "这个问题我可能帮不上忙：我是陪你聊心情和心理困扰的助手，编程、作业、生活常识、理财或用药剂量这类问题，请找更专业的渠道（用药请问医生或药师）。如果最近有什么事让你心烦、压力大或睡不好，很愿意听你说说。"
        case .en:
            "I'm probably not the right help for that: I'm here to talk through feelings and emotional difficulties, so for code, homework, general facts, money or medicine doses please ask a better-suited source (a doctor or pharmacist for doses). If something has been weighing on you lately, I'd be glad to hear about it."
        }
    }

    /// The kind reply for a message with no usable content: asks for a little more and offers topics.
    public static func clarification(_ language: ReplyLanguage) -> String {
        switch language {
        case .zh:
            "我想更好地理解你现在的处境。可以再多说一点吗？比如最近让你困扰的是哪一方面：学业或前途、工作、家庭、恋爱或婚姻、分手、睡眠、压力、人际关系、自我认识、亲子关系……从你最想说的开始就好。"
        case .en:
            "I'd like to understand what you're going through. Could you tell me a little more? For example, is it about study or your future, work, family, a relationship or a breakup, sleep, stress, friendships, how you see yourself, or parenting? Start wherever feels most important."
        }
    }
}
