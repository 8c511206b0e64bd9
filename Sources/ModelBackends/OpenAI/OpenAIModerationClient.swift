import ChatCore
import Foundation
import NIOHTTP1

/// `POST /v1/moderations` (docs/protocols.md §C.10): the second opinion of
/// `safety.moderation`. Sends `{"model", "input": "<text>"}` and reads the three self-harm
/// categories of the first result. Anything else — a non-2xx status, a body that is not the
/// documented shape, a result without the three booleans — is an error, so the caller's
/// fail-safe rule applies instead of a guess.
public struct OpenAIModerationClient: ContentModerator {
    struct Request: Encodable {
        var model: String
        var input: String
    }

    struct Body: Decodable {
        struct Result: Decodable {
            struct Categories: Decodable {
                var selfHarm: Bool
                var selfHarmIntent: Bool
                var selfHarmInstructions: Bool

                enum CodingKeys: String, CodingKey {
                    case selfHarm = "self-harm"
                    case selfHarmIntent = "self-harm/intent"
                    case selfHarmInstructions = "self-harm/instructions"
                }
            }
            var flagged: Bool
            var categories: Categories
        }
        var results: [Result]
    }

    let client: OpenAIClient
    public let model: String

    /// `client` carries the base URL and key (the remote model's, or `safety.moderation`'s own).
    public init(client: OpenAIClient, model: String = "omni-moderation-latest") {
        self.client = client
        self.model = model
    }

    public var name: String { "openai:" + model }

    public func moderate(_ text: String, deadline: ContinuousClock.Instant) async throws -> ModerationResult {
        do {
            // No retries: the budget is a fraction of a second, and a late verdict is no verdict.
            let response = try await client.send(
                .POST, "/moderations", body: OpenAIClient.encode(Request(model: model, input: text)), deadline: deadline, retry: false
            )
            let body = try client.decode(Body.self, from: response)
            guard let first = body.results.first else { throw OpenAIClientError.invalidResponse("no moderation result") }
            let c = first.categories
            return ModerationResult(selfHarm: c.selfHarm, selfHarmIntent: c.selfHarmIntent, selfHarmInstructions: c.selfHarmInstructions)
        } catch let error as OpenAIClientError {
            throw error.modelError
        }
    }
}
