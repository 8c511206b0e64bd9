import Foundation

/// A request to a completion model. `prompt` is already rendered with `PromptFormat`; models that
/// work on the question itself (retrieval) use `question` and `history`.
public struct CompletionRequest: Sendable {
    public var question: String
    public var history: [Turn]
    public var prompt: String
    public var userHash: UserHash
    public var language: ReplyLanguage
    /// Answer ids given recently in this session; a model with several good answers should prefer
    /// one not in this set.
    public var recentAnswerIDs: Set<String>
    /// The model must answer (or fail) before this instant.
    public var deadline: ContinuousClock.Instant

    public init(
        question: String,
        history: [Turn],
        prompt: String,
        userHash: UserHash,
        language: ReplyLanguage,
        recentAnswerIDs: Set<String> = [],
        deadline: ContinuousClock.Instant
    ) {
        self.question = question
        self.history = history
        self.prompt = prompt
        self.userHash = userHash
        self.language = language
        self.recentAnswerIDs = recentAnswerIDs
        self.deadline = deadline
    }
}

/// A model's answer.
public struct Completion: Sendable, Equatable {
    public enum Origin: String, Sendable, Codable {
        /// A remote or fine-tuned model.
        case primary
        /// The embedded retrieval model.
        case retrieval
        /// The fixed calm reply at the end of the fallback chain.
        case fixed
    }

    public var text: String
    public var model: String
    public var origin: Origin
    /// Retrieval: the id of the pair whose answer was used.
    public var answerID: String?
    /// Retrieval: the category of that pair.
    public var category: String?
    /// Retrieval: the intent the answer belongs to.
    public var intent: String?
    /// True when the model had no good answer and `text` is a clarifying reply.
    public var isClarification: Bool
    /// How sure the model is that `text` answers the question asked, from 0 to 1 (retrieval: set
    /// from its relevance gate). nil means unknown, read as not confident: a concern-tier reply
    /// includes the answer only at or above `PipelineConfiguration.concernTopicConfidence`.
    public var onTopicConfidence: Double?

    public init(
        text: String,
        model: String,
        origin: Origin,
        answerID: String? = nil,
        category: String? = nil,
        isClarification: Bool = false,
        onTopicConfidence: Double? = nil,
        intent: String? = nil
    ) {
        self.text = text
        self.model = model
        self.origin = origin
        self.answerID = answerID
        self.category = category
        self.isClarification = isClarification
        self.onTopicConfidence = onTopicConfidence
        self.intent = intent
    }
}

/// Why a model call failed. Used for retry decisions, the circuit breaker and metrics.
public enum ModelError: Error, Sendable, Equatable {
    case timeout
    case rateLimited(retryAfter: Duration?)
    case quotaExceeded
    case unauthorized
    case notFound(String)
    case badRequest(String)
    case server(status: Int)
    case invalidResponse(String)
    case transport(String)
    case circuitOpen
    case notConfigured

    /// A short, stable label for metrics and logs (no provider text).
    public var kind: String {
        switch self {
        case .timeout: "timeout"
        case .rateLimited: "rate_limited"
        case .quotaExceeded: "quota"
        case .unauthorized: "unauthorized"
        case .notFound: "not_found"
        case .badRequest: "bad_request"
        case .server: "server"
        case .invalidResponse: "invalid_response"
        case .transport: "transport"
        case .circuitOpen: "circuit_open"
        case .notConfigured: "not_configured"
        }
    }
}

/// The completion-model port: a fine-tuned OpenAI model, an OpenAI-compatible server, the retrieval
/// model, or a fallback chain of those.
public protocol CompletionModel: Sendable {
    /// A name for logs and metrics, e.g. `retrieval:starter` or `openai:ft:babbage-002:…`.
    var name: String { get }
    func complete(_ request: CompletionRequest) async throws -> Completion
}
