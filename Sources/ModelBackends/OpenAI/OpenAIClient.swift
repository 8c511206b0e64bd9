import AsyncHTTPClient
import ChatCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// A small client for OpenAI-compatible HTTP APIs over the process's shared `HTTPClient`. Every
/// call has a deadline and a response-size cap; retries follow `RetryPolicy`.
public struct OpenAIClient: Sendable {
    public struct Response: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: [UInt8]
    }

    public let configuration: OpenAIConfiguration
    let httpClient: HTTPClient
    let logger: Logger

    public init(httpClient: HTTPClient, configuration: OpenAIConfiguration, logger: Logger = Logger(label: "heartline.openai")) {
        self.httpClient = httpClient
        self.configuration = configuration
        self.logger = logger
    }

    /// Sends a request and returns a 2xx response, retrying per policy. Non-2xx answers throw
    /// `OpenAIClientError.api` with the decoded error.
    public func send(
        _ method: HTTPMethod,
        _ path: String,
        body: [UInt8]? = nil,
        contentType: String = "application/json",
        deadline: ContinuousClock.Instant,
        retry: Bool = true
    ) async throws(OpenAIClientError) -> Response {
        let policy = RetryPolicy(maxRetries: retry ? configuration.maxRetries : 0)
        var attempt = 0
        while true {
            let outcome: Result<Response, OpenAIClientError>
            do {
                outcome = .success(try await once(method, path, body: body, contentType: contentType, deadline: deadline))
            } catch {
                outcome = .failure(error)
            }

            let decision: RetryPolicy.Decision
            switch outcome {
            case .success(let response) where (200..<300).contains(response.status):
                return response
            case .success(let response):
                let apiError = OpenAIAPIError.decode(status: response.status, body: response.body, requestID: response.headers["x-request-id"])
                logger.warning(
                    "model API error",
                    metadata: ["http.status": "\(response.status)", "openai.code": "\(apiError.code ?? "-")", "openai.request_id": "\(apiError.requestID ?? "-")"]
                )
                decision = policy.decide(status: response.status, errorIsQuota: apiError.isQuota, headers: response.headers, attempt: attempt)
                if case .stop = decision { throw .api(apiError) }
            case .failure(let error):
                switch error {
                case .timeout, .transport: decision = policy.decide(status: nil, errorIsQuota: false, headers: [:], attempt: attempt)
                default: decision = .stop
                }
                if case .stop = decision { throw error }
            }

            guard case .retry(let wait) = decision else { continue }
            if ContinuousClock.now + wait >= deadline {
                // No time left to wait: report what the last attempt said.
                switch outcome {
                case .success(let response):
                    throw .api(OpenAIAPIError.decode(status: response.status, body: response.body, requestID: response.headers["x-request-id"]))
                case .failure(let error):
                    throw error
                }
            }
            attempt += 1
            do {
                try await Task.sleep(for: wait)
            } catch {
                throw .timeout
            }
        }
    }

    private func once(
        _ method: HTTPMethod, _ path: String, body: [UInt8]?, contentType: String, deadline: ContinuousClock.Instant
    ) async throws(OpenAIClientError) -> Response {
        let remaining = deadline - ContinuousClock.now
        guard remaining > .zero else { throw .timeout }
        let request = makeRequest(method, path, body: body, contentType: contentType, accept: "application/json")
        let timeout = TimeAmount.nanoseconds(Int64(remaining.seconds * 1e9))
        do {
            let response = try await httpClient.execute(request, timeout: timeout, logger: logger)
            var headers: [String: String] = [:]
            for (name, value) in response.headers { headers[name.lowercased()] = value }
            let buffer: ByteBuffer
            do {
                buffer = try await response.body.collect(upTo: configuration.maxResponseBytes)
            } catch is NIOTooManyBytesError {
                throw OpenAIClientError.responseTooLarge(limit: configuration.maxResponseBytes)
            }
            return Response(status: Int(response.status.code), headers: headers, body: Array(buffer.readableBytesView))
        } catch let error as OpenAIClientError {
            throw error
        } catch let error as HTTPClientError {
            if error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout || error == .cancelled {
                throw .timeout
            }
            throw .transport("\(error)")
        } catch is CancellationError {
            throw .timeout
        } catch {
            throw .transport("\(type(of: error))")
        }
    }

    /// A request with the credentials and headers every call carries.
    func makeRequest(_ method: HTTPMethod, _ path: String, body: [UInt8]?, contentType: String, accept: String) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: configuration.url(path))
        request.method = method
        if let key = configuration.apiKey, !key.isEmpty { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        if let organization = configuration.organization { request.headers.add(name: "OpenAI-Organization", value: organization) }
        if let project = configuration.project { request.headers.add(name: "OpenAI-Project", value: project) }
        request.headers.add(name: "Accept", value: accept)
        request.headers.add(name: "User-Agent", value: "heartline")
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        return request
    }

    /// Decodes a JSON response body.
    public func decode<T: Decodable>(_ type: T.Type, from response: Response) throws(OpenAIClientError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(response.body))
        } catch {
            throw .invalidResponse("body is not the expected JSON (\(response.body.count) bytes)")
        }
    }

    /// Encodes a request body as JSON with real UTF-8 (no `\u` escapes for non-ASCII).
    public static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return (try? [UInt8](encoder.encode(value))) ?? []
    }
}
