import AsyncHTTPClient
import ChatCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Streamed completions (`"stream": true`, docs/protocols.md C.4). The rules of `send` hold: one
/// deadline for the whole call, the response-size cap over the whole stream, and `RetryPolicy` for
/// failures, except that nothing is retried once text has been handed to the caller: what was
/// shown cannot be taken back by a second, different answer.
extension OpenAIClient {
    /// A failure inside one attempt, and whether text had been handed out before it.
    private struct AttemptFailure: Error {
        var error: OpenAIClientError
        var afterText: Bool
    }

    /// An error thrown by the caller's `onText`, carried out unchanged.
    private struct Stopped: Error {
        var underlying: any Error
    }

    private enum AttemptOutcome {
        case finished(String)
        case refused(Response)
    }

    /// Posts `body` to `path` and streams the answer: `onText` gets each new piece of text in order;
    /// the whole text is returned at the end. A server that ignores `stream` and answers plain JSON
    /// is read as one piece. Errors are `OpenAIClientError`, except that an error thrown by
    /// `onText` ends the stream and is rethrown unchanged.
    public func stream(
        _ path: String, body: [UInt8], deadline: ContinuousClock.Instant, onText: @escaping @Sendable (String) async throws -> Void
    ) async throws -> String {
        let policy = RetryPolicy(maxRetries: configuration.maxRetries)
        var attempt = 0
        while true {
            let decision: RetryPolicy.Decision
            let failure: OpenAIClientError
            do {
                switch try await streamOnce(path, body: body, within: deadline, onText: onText) {
                case .finished(let text):
                    return text
                case .refused(let response):
                    let apiError = OpenAIAPIError.decode(status: response.status, body: response.body, requestID: response.headers["x-request-id"])
                    logger.warning(
                        "model API error",
                        metadata: ["http.status": "\(response.status)", "openai.code": "\(apiError.code ?? "-")", "openai.request_id": "\(apiError.requestID ?? "-")"]
                    )
                    failure = .api(apiError)
                    decision = policy.decide(status: response.status, errorIsQuota: apiError.isQuota, headers: response.headers, attempt: attempt)
                }
            } catch let error as AttemptFailure {
                failure = error.error
                switch error.error {
                case .timeout, .transport, .api:
                    let status: Int? = if case .api(let api) = error.error { api.status } else { nil }
                    decision = error.afterText ? .stop : policy.decide(status: status, errorIsQuota: false, headers: [:], attempt: attempt)
                default:
                    decision = .stop
                }
            }
            guard case .retry(let wait) = decision, ContinuousClock.now + wait < deadline else { throw failure }
            attempt += 1
            do {
                try await Task.sleep(for: wait)
            } catch {
                throw OpenAIClientError.timeout
            }
        }
    }

    /// One attempt, cut at the deadline: the HTTP client's deadline covers the response head but
    /// not a body that stalls between events, so the body is read in a child task raced against
    /// the deadline, and cancelled when the deadline wins.
    private func streamOnce(
        _ path: String, body: [UInt8], within deadline: ContinuousClock.Instant, onText: @escaping @Sendable (String) async throws -> Void
    ) async throws -> AttemptOutcome {
        try await withThrowingTaskGroup(of: AttemptOutcome?.self) { group in
            group.addTask { try await streamOnce(path, body: body, deadline: deadline, onText: onText) }
            group.addTask {
                try? await Task.sleep(until: deadline, clock: .continuous)
                if Task.isCancelled { return nil }
                // Past the deadline nothing is retried, so whether text was shown does not matter.
                throw AttemptFailure(error: .timeout, afterText: true)
            }
            while let next = try await group.next() {
                if let next {
                    group.cancelAll()
                    return next
                }
            }
            throw AttemptFailure(error: .timeout, afterText: true)
        }
    }

    private func streamOnce(
        _ path: String, body: [UInt8], deadline: ContinuousClock.Instant, onText: @Sendable (String) async throws -> Void
    ) async throws -> AttemptOutcome {
        let remaining = deadline - ContinuousClock.now
        guard remaining > .zero else { throw AttemptFailure(error: .timeout, afterText: false) }
        let request = makeRequest(.POST, path, body: body, contentType: "application/json", accept: "text/event-stream")
        var afterText = false
        do {
            let response = try await httpClient.execute(request, deadline: .now() + .nanoseconds(Int64(remaining.seconds * 1e9)), logger: logger)
            var headers: [String: String] = [:]
            for (name, value) in response.headers { headers[name.lowercased()] = value }
            let status = Int(response.status.code)
            let isEventStream = headers["content-type"]?.lowercased().hasPrefix("text/event-stream") == true
            guard (200..<300).contains(status), isEventStream else {
                let buffer = try await response.body.collect(upTo: configuration.maxResponseBytes)
                let bytes = Array(buffer.readableBytesView)
                guard (200..<300).contains(status) else { return .refused(Response(status: status, headers: headers, body: bytes)) }
                // The server ignored `stream`: one plain JSON answer.
                let event = ServerSentEvents.Event(type: nil, data: String(decoding: bytes, as: UTF8.self))
                guard case .text(let text, _) = try OpenAIStreamChunk.parse(event) else {
                    throw OpenAIClientError.invalidResponse("no completion in the answer")
                }
                afterText = true
                do { try await onText(text) } catch { throw Stopped(underlying: error) }
                return .finished(text)
            }
            var parser = ServerSentEvents()
            var text = ""
            var received = 0
            var ended = false
            func read(_ event: ServerSentEvents.Event) async throws -> Bool {
                switch try OpenAIStreamChunk.parse(event, status: status) {
                case .done:
                    return true
                case .error(let apiError):
                    logger.warning("model stream error", metadata: ["openai.code": "\(apiError.code ?? "-")", "model.streamed_chars": "\(text.count)"])
                    throw OpenAIClientError.api(apiError)
                case .text(let piece, let finished):
                    if !piece.isEmpty {
                        text += piece
                        afterText = true
                        do { try await onText(piece) } catch { throw Stopped(underlying: error) }
                    }
                    return finished
                }
            }
            reading: for try await chunk in response.body {
                received += chunk.readableBytes
                guard received <= configuration.maxResponseBytes else { throw OpenAIClientError.responseTooLarge(limit: configuration.maxResponseBytes) }
                for event in try parser.feed(chunk.readableBytesView) {
                    if try await read(event) {
                        ended = true
                        break reading
                    }
                }
            }
            if !ended, let last = try parser.finish() { ended = try await read(last) }
            // Neither `[DONE]` nor a finish reason: the connection was cut mid-answer.
            guard ended else { throw OpenAIClientError.invalidResponse("stream ended before the answer did") }
            return .finished(text)
        } catch let stopped as Stopped {
            throw stopped.underlying
        } catch let error as OpenAIClientError {
            throw AttemptFailure(error: error, afterText: afterText)
        } catch let error as ServerSentEvents.Failure {
            switch error {
            case .tooLarge(let limit): throw AttemptFailure(error: .responseTooLarge(limit: limit), afterText: afterText)
            case .invalidUTF8: throw AttemptFailure(error: .invalidResponse("stream is not UTF-8"), afterText: afterText)
            }
        } catch is NIOTooManyBytesError {
            throw AttemptFailure(error: .responseTooLarge(limit: configuration.maxResponseBytes), afterText: afterText)
        } catch let error as HTTPClientError {
            let timedOut = error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout || error == .cancelled
            throw AttemptFailure(error: timedOut ? .timeout : .transport("\(error)"), afterText: afterText)
        } catch is CancellationError {
            throw AttemptFailure(error: .timeout, afterText: afterText)
        } catch {
            throw AttemptFailure(error: .transport("\(type(of: error))"), afterText: afterText)
        }
    }
}
