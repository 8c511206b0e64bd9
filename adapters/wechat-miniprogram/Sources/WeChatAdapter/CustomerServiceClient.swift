import ChatCore
import Logging

/// Sends customer-service text messages (docs/protocols.md A.12) and the typing indicator (A.13).
///
/// - 45015 (outside the 48-hour window), 45047 (quota used), 40003 (openid of another app),
///   43101 (user refused) and 48001 (not authorised) are recorded and never retried.
/// - 45002 (too long) splits the piece in halves, down to `minSplitBytes`.
/// - `-1` (busy), 5xx, timeouts and connection errors are retried with exponential backoff.
/// - A rejected access token is refreshed once by `WeChatAPIClient`.
public struct CustomerServiceClient: Sendable {
    public struct Options: Sendable, Equatable {
        public var splitBytes = 2048
        public var maxChunks = 5
        public var minSplitBytes = 256
        public var maxAttempts = 3
        public var initialBackoff: Duration = .milliseconds(500)
        public var maxBackoff: Duration = .seconds(4)

        public init() {}
    }

    public enum TypingCommand: String, Sendable {
        case typing = "Typing"
        case cancel = "CancelTyping"
    }

    public let options: Options
    let api: WeChatAPIClient
    let logger: Logger
    let sleep: @Sendable (Duration) async throws -> Void

    public init(
        api: WeChatAPIClient,
        options: Options = Options(),
        logger: Logger = Logger(label: "heartline.wechat.cs"),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.api = api
        self.options = options
        self.logger = logger
        self.sleep = sleep
    }

    /// Sends the pieces in order; stops at the first piece that cannot be delivered.
    public func send(_ pieces: [String], to openID: String) async throws(DeliveryError) {
        for piece in pieces {
            try await sendPiece(piece, to: openID, splitBytes: options.splitBytes)
        }
    }

    public func typing(_ openID: String, _ command: TypingCommand = .typing) async throws(WeChatAPIError) {
        struct Body: Encodable {
            var touser: String
            var command: String
        }
        _ = try await api.post(api.http.configuration.typingPath, json: WeChatHTTP.encode(Body(touser: openID, command: command.rawValue)))
    }

    struct TextMessage: Encodable {
        struct Text: Encodable {
            var content: String
        }
        var touser: String
        var msgtype = "text"
        var text: Text
    }

    static let permanentErrcodes: [Int: String] = [
        45015: "reply window closed (45015)",
        45047: "reply quota used (45047)",
        40003: "invalid openid (40003)",
        43101: "user refused messages (43101)",
        48001: "API not authorised (48001)",
    ]

    private func sendPiece(_ content: String, to openID: String, splitBytes: Int) async throws(DeliveryError) {
        let body = WeChatHTTP.encode(TextMessage(touser: openID, text: .init(content: content)))
        var attempt = 0
        while true {
            let failure: WeChatAPIError
            do throws(WeChatAPIError) {
                _ = try await api.post(api.http.configuration.customerServicePath, json: body)
                return
            } catch {
                failure = error
            }
            if failure.errcode == 45002 {
                let smaller = splitBytes / 2
                guard smaller >= options.minSplitBytes else {
                    logger.warning("customer-service text still too long after splitting", metadata: ["wechat.errcode": "45002"])
                    throw .permanent(reason: "content too long (45002)")
                }
                logger.notice("customer-service text too long; splitting further", metadata: ["wechat.split_bytes": "\(smaller)"])
                for piece in UTF8TextSplitter(maxBytes: smaller).split(content) {
                    try await sendPiece(piece, to: openID, splitBytes: smaller)
                }
                return
            }
            if let code = failure.errcode, let reason = Self.permanentErrcodes[code] {
                logger.notice("customer-service message not accepted; not retrying", metadata: ["wechat.error": "\(failure.logDescription)"])
                throw .permanent(reason: reason)
            }
            guard failure.isTransient else {
                logger.warning("customer-service send failed", metadata: ["wechat.error": "\(failure.logDescription)"])
                throw .permanent(reason: failure.logDescription)
            }
            attempt += 1
            guard attempt < options.maxAttempts else {
                logger.warning("customer-service send failed after retries", metadata: ["wechat.error": "\(failure.logDescription)", "wechat.attempts": "\(attempt)"])
                throw .exhausted(reason: failure.logDescription)
            }
            let backoff = min(options.initialBackoff * (1 << (attempt - 1)), options.maxBackoff)
            do {
                try await sleep(backoff)
            } catch {
                throw .exhausted(reason: "cancelled while waiting to retry")
            }
        }
    }
}
