import Foundation
import ChatCore

/// Settings for an OpenAI-compatible server (OpenAI itself, vLLM, llama.cpp's server, …).
public struct OpenAIConfiguration: Sendable, Equatable {
    /// `https://api.openai.com` or `https://api.openai.com/v1` (both work; `/v1` is added once).
    public var baseURL: String
    /// Sent as `Authorization: Bearer …`. Secret: never logged or printed.
    public var apiKey: String?
    public var organization: String?
    public var project: String?
    /// Model name, e.g. `ft:babbage-002:my-org:heartline:abc123`.
    public var model: String
    /// Use `/v1/chat/completions` instead of `/v1/completions`.
    public var chat: Bool
    /// System prompt for chat models.
    public var systemPrompt: String?
    /// Always sent: the API default is 16 tokens, far too short for an answer.
    public var maxTokens: Int
    public var temperature: Double
    /// Retries after the first attempt for 408/409/429/5xx and connection errors.
    public var maxRetries: Int
    /// Responses larger than this are refused.
    public var maxResponseBytes: Int
    /// Per-call time limit for file uploads and fine-tuning calls (model calls use the pipeline's budget).
    public var requestTimeout: Duration

    public init(
        baseURL: String = "https://api.openai.com/v1",
        apiKey: String? = nil,
        organization: String? = nil,
        project: String? = nil,
        model: String = "",
        chat: Bool = false,
        systemPrompt: String? = nil,
        maxTokens: Int = 400,
        temperature: Double = 0.7,
        maxRetries: Int = 2,
        maxResponseBytes: Int = 1 << 20,
        requestTimeout: Duration = .seconds(120)
    ) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.organization = organization
        self.project = project
        self.model = model
        self.chat = chat
        self.systemPrompt = systemPrompt
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.maxRetries = maxRetries
        self.maxResponseBytes = maxResponseBytes
        self.requestTimeout = requestTimeout
    }

    /// The full URL of an API path such as `/completions`: the base URL gets `/v1` appended unless
    /// it already ends with it.
    public func url(_ path: String) -> String {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        if !base.hasSuffix("/v1") { base += "/v1" }
        return base + path
    }
}
