import ChatCore
import Foundation
import Logging
import NIOHTTP1

/// A fine-tuned completion model (`/v1/completions`, prompt in `PromptFormat`) or a chat model
/// (`/v1/chat/completions`) on an OpenAI-compatible server.
public struct OpenAICompletionModel: CompletionModel {
    struct CompletionBody: Encodable {
        var model: String
        var prompt: String
        var max_tokens: Int
        var temperature: Double
        var stop: [String]?
        var user: String
        var n = 1
        var stream: Bool?
    }

    struct ChatBody: Encodable {
        struct Message: Encodable {
            var role: String
            var content: String
        }
        var model: String
        var messages: [Message]
        var max_tokens: Int
        var temperature: Double
        var user: String
        var n = 1
        var stream: Bool?
    }

    struct CompletionResponse: Decodable {
        struct Choice: Decodable {
            var text: String?
            var finish_reason: String?
        }
        var choices: [Choice]
    }

    struct ChatResponse: Decodable {
        struct Choice: Decodable {
            struct Message: Decodable { var content: String? }
            var message: Message?
            var finish_reason: String?
        }
        var choices: [Choice]
    }

    public let client: OpenAIClient
    public let format: PromptFormat

    public init(client: OpenAIClient, format: PromptFormat) {
        self.client = client
        self.format = format
    }

    public var name: String { "openai:" + client.configuration.model }

    public func complete(_ request: CompletionRequest) async throws -> Completion {
        let configuration = client.configuration
        guard !configuration.model.isEmpty else { throw ModelError.notConfigured }
        do {
            let raw: String?
            let (path, body) = requestBody(for: request, stream: false)
            let response = try await client.send(.POST, path, body: body, deadline: request.deadline)
            if configuration.chat {
                raw = try client.decode(ChatResponse.self, from: response).choices.first?.message?.content
            } else {
                raw = try client.decode(CompletionResponse.self, from: response).choices.first?.text
            }
            guard let raw else { throw ModelError.invalidResponse("no choices") }
            return try completion(fromRaw: raw)
        } catch let error as OpenAIClientError {
            throw error.modelError
        }
    }

    /// The cleaned, sane answer in raw model text, or why there is none.
    func completion(fromRaw raw: String) throws(ModelError) -> Completion {
        let text = format.answer(fromCompletion: UnicodeEscapes.decode(raw))
        guard !text.isEmpty else { throw ModelError.invalidResponse("empty completion") }
        if let problem = ReplySanity.problem(in: text) { throw ModelError.invalidResponse(problem) }
        return Completion(text: text, model: client.configuration.model, origin: .primary)
    }

    /// The endpoint and JSON body for a request: chat messages or a `PromptFormat` prompt.
    func requestBody(for request: CompletionRequest, stream: Bool) -> (path: String, body: [UInt8]) {
        let configuration = client.configuration
        if configuration.chat {
            var messages: [ChatBody.Message] = []
            if let system = configuration.systemPrompt, !system.isEmpty { messages.append(.init(role: "system", content: system)) }
            for turn in request.history.suffix(format.historyTurns) {
                messages.append(.init(role: "user", content: turn.question))
                messages.append(.init(role: "assistant", content: turn.answer))
            }
            messages.append(.init(role: "user", content: request.question))
            let body = ChatBody(
                model: configuration.model, messages: messages, max_tokens: configuration.maxTokens,
                temperature: configuration.temperature, user: request.userHash.value, stream: stream ? true : nil
            )
            return ("/chat/completions", OpenAIClient.encode(body))
        }
        let body = CompletionBody(
            model: configuration.model, prompt: request.prompt, max_tokens: configuration.maxTokens,
            temperature: configuration.temperature, stop: format.stopSequence.isEmpty ? nil : [format.stopSequence],
            user: request.userHash.value, stream: stream ? true : nil
        )
        return ("/completions", OpenAIClient.encode(body))
    }
}
