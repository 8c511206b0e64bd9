import Foundation

/// One `data:` event of a streamed completion (docs/protocols.md C.4): chat chunks carry
/// `choices[].delta.content`, completion chunks `choices[].text`; a server that fails mid-stream
/// sends an `error` object instead (OpenAI's shape, or a flat `{"message", "code"}`).
enum OpenAIStreamChunk: Equatable {
    /// New text (possibly empty, e.g. the first chat chunk that only carries the role).
    case text(String, finished: Bool)
    /// The end marker `[DONE]`.
    case done
    /// An error reported inside the stream.
    case error(OpenAIAPIError)

    private struct Body: Decodable {
        struct Choice: Decodable {
            struct Delta: Decodable { var content: String? }
            var text: String?
            var delta: Delta?
            var message: Delta?
            var index: Int?
            var finish_reason: String?
        }
        var choices: [Choice]?
    }

    /// Reads one event. `status` is the HTTP status the stream came with (for an error event).
    static func parse(_ event: ServerSentEvents.Event, status: Int = 200) throws(OpenAIClientError) -> OpenAIStreamChunk {
        let data = event.data.trimmingCharacters(in: .whitespaces)
        if data == "[DONE]" { return .done }
        let bytes = Array(data.utf8)
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw .invalidResponse("stream event is not JSON (\(bytes.count) bytes)")
        }
        if object["error"] != nil || event.type == "error" {
            var error = OpenAIAPIError.decode(status: status, body: bytes, requestID: nil)
            // An error inside a 200 stream is the server's failure, not the request's.
            if error.status < 400 { error.status = 500 }
            return .error(error)
        }
        guard let body = try? JSONDecoder().decode(Body.self, from: Data(bytes)) else {
            throw .invalidResponse("stream event has an unexpected shape")
        }
        // Only the first choice is read (`n` is always 1); some servers send usage-only chunks
        // with no choices at all.
        guard let choice = body.choices?.first(where: { ($0.index ?? 0) == 0 }) else { return .text("", finished: false) }
        let text = choice.delta?.content ?? choice.text ?? choice.message?.content ?? ""
        return .text(text, finished: choice.finish_reason != nil)
    }
}
