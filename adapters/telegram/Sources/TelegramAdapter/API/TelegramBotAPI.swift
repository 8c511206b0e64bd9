import AsyncHTTPClient
import ChatCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// A Bot API client over the process's shared `HTTPClient` (B.1): POST + JSON to
/// `<baseURL>/bot<token>/<method>`. Every call has a deadline and a response-size cap; retries
/// follow `TelegramRetryPolicy`. The URL is never logged and never appears in an error, because
/// the token is part of its path.
public struct TelegramBotAPI: Sendable {
    public struct Configuration: Sendable {
        /// `https://api.telegram.org` in production; a loopback fake in tests.
        public var baseURL: String
        public var token: TelegramBotToken
        /// Deadline of one call, retries included (long polls add their poll timeout).
        public var callTimeout: Duration
        /// Deadline of one attempt, so that a stalled answer leaves time to try again.
        public var attemptTimeout: Duration
        /// Larger answers are refused (`getUpdates` with 100 updates stays far below).
        public var maxResponseBytes: Int
        public var retry: TelegramRetryPolicy

        public init(
            baseURL: String = "https://api.telegram.org", token: TelegramBotToken, callTimeout: Duration = .seconds(30),
            attemptTimeout: Duration = .seconds(10), maxResponseBytes: Int = 8 << 20, retry: TelegramRetryPolicy = TelegramRetryPolicy()
        ) {
            var base = baseURL
            while base.hasSuffix("/") { base.removeLast() }
            self.baseURL = base
            self.token = token
            self.callTimeout = callTimeout
            self.attemptTimeout = attemptTimeout
            self.maxResponseBytes = maxResponseBytes
            self.retry = retry
        }
    }

    public let configuration: Configuration
    let httpClient: HTTPClient
    let logger: Logger
    /// Waits between attempts; tests inject one that records and shortens waits.
    let sleep: @Sendable (Duration) async throws -> Void
    /// AHC's own logging is switched off: at trace level it may print request URLs.
    private static let silent = Logger(label: "heartline.telegram.http", factory: { _ in SwiftLogNoOpLogHandler() })

    public init(
        httpClient: HTTPClient, configuration: Configuration, logger: Logger = Logger(label: "heartline.telegram.api"),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.httpClient = httpClient
        self.configuration = configuration
        self.logger = logger
        self.sleep = sleep
    }

    public var botID: Int64 { configuration.token.botID }

    /// Calls a method and decodes its `result`, retrying per policy (or not at all with
    /// `retry: .none`). `onFloodWait` learns every 429 wait, so pacing can slow that chat down.
    public func call<Params: Encodable & Sendable, Result: Decodable & Sendable>(
        _ method: String, _ params: Params, as: Result.Type,
        timeout: Duration? = nil, retry: TelegramRetryPolicy? = nil,
        onFloodWait: (@Sendable (Duration) async -> Void)? = nil
    ) async throws(TelegramAPIError) -> Result {
        let policy = retry ?? configuration.retry
        let deadline = ContinuousClock.now + (timeout ?? configuration.callTimeout)
        // A long poll legitimately waits for most of its own timeout.
        let attemptTimeout = timeout ?? configuration.attemptTimeout
        let body = Self.encode(params)
        var retries = 0
        var floodWaits = 0
        while true {
            let error: TelegramAPIError
            do {
                let attemptDeadline = min(deadline, ContinuousClock.now + attemptTimeout)
                return try await once(method, body: body, deadline: attemptDeadline, as: Result.self)
            } catch let failure {
                error = failure
            }
            guard case .retry(let wait, let isFloodWait) = policy.decide(error, retries: retries, floodWaits: floodWaits),
                  ContinuousClock.now + wait < deadline
            else { throw error }
            logger.notice(
                "telegram call will be retried",
                metadata: ["telegram.method": "\(method)", "telegram.error": "\(error)", "telegram.wait_ms": "\(wait.milliseconds)"]
            )
            if isFloodWait {
                floodWaits += 1
                await onFloodWait?(wait)
            } else {
                retries += 1
            }
            do {
                try await sleep(wait)
            } catch {
                throw .cancelled
            }
        }
    }

    private func once<Result: Decodable>(
        _ method: String, body: [UInt8], deadline: ContinuousClock.Instant, as: Result.Type
    ) async throws(TelegramAPIError) -> Result {
        let remaining = deadline - ContinuousClock.now
        guard remaining > .zero else { throw .timeout }
        var request = HTTPClientRequest(url: configuration.baseURL + "/bot" + configuration.token.value + "/" + method)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "heartline")
        request.body = .bytes(ByteBuffer(bytes: body))
        let started = ContinuousClock.now
        let status: Int
        let bytes: [UInt8]
        do {
            let response = try await httpClient.execute(request, timeout: .nanoseconds(Int64(remaining.seconds * 1e9)), logger: Self.silent)
            status = Int(response.status.code)
            do {
                bytes = Array(try await response.body.collect(upTo: configuration.maxResponseBytes).readableBytesView)
            } catch is NIOTooManyBytesError {
                throw TelegramAPIError.responseTooLarge(limit: configuration.maxResponseBytes)
            }
        } catch {
            throw Self.classify(error)
        }
        logger.debug(
            "telegram call",
            metadata: [
                "telegram.method": "\(method)", "http.status": "\(status)",
                "telegram.latency_ms": "\((ContinuousClock.now - started).milliseconds)",
            ]
        )
        let envelope: TelegramEnvelope<Result>
        do {
            envelope = try Self.decodeEnvelope(Result.self, bytes)
        } catch {
            if !(200..<300).contains(status) { throw .api(TelegramFailureDecoder.failure(status: status, body: bytes)) }
            throw .invalidResponse("\(method): body is not the expected JSON (\(bytes.count) bytes)")
        }
        guard envelope.ok, (200..<300).contains(status) else {
            throw .api(TelegramFailureDecoder.failure(status: status, body: bytes))
        }
        guard let result = envelope.result else { throw .invalidResponse("\(method): ok without result") }
        return result
    }

    /// Decodes the envelope; a lone escaped surrogate in some text (which Foundation rejects) is
    /// repaired rather than making a whole `getUpdates` batch unreadable forever.
    static func decodeEnvelope<Result: Decodable>(_ type: Result.Type, _ bytes: [UInt8]) throws -> TelegramEnvelope<Result> {
        try JSONDecoder().decode(TelegramEnvelope<Result>.self, from: Data(JSONSurrogateRepair.repairIfNeeded(bytes)))
    }

    /// Maps client errors to kinds. Never uses the error's description: some include the URL.
    static func classify(_ error: any Error) -> TelegramAPIError {
        if let error = error as? TelegramAPIError { return error }
        if error is CancellationError { return .cancelled }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout: return .timeout
            case .cancelled: return .cancelled
            case .remoteConnectionClosed: return .transport("connection_closed")
            case .invalidURL, .emptyHost, .emptyScheme: return .transport("invalid_base_url")
            default: return .transport("http_client")
            }
        }
        let kind = String(describing: type(of: error)).prefix(60)
        return .transport(String(kind))
    }

    /// JSON with real UTF-8 and unescaped slashes.
    static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return (try? [UInt8](encoder.encode(value))) ?? Array("{}".utf8)
    }
}
