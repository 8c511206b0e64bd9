import Foundation
import ChatCore
import ModelBackends

/// Every setting of the service, typed and validated. Built once at start by `SettingsLoader` from
/// the configuration hierarchy (flags > environment > `.env` > config file > defaults).
public struct HeartlineSettings: Sendable {
    public struct HTTP: Sendable, Equatable {
        public var host = "127.0.0.1"
        public var port = 8080
        /// Largest request body accepted by the local API (bytes).
        public var maxBodyBytes = 64 * 1024
        /// Log one line per request (method, path, status, latency; never bodies).
        public var accessLog = false
    }

    public struct Local: Sendable, Equatable {
        /// Serve `POST /v1/local/messages`. Defaults to on when listening on loopback.
        public var enabled: Bool?
        /// When set, the local API requires `Authorization: Bearer <key>`.
        public var apiKey: String?
        /// How long the local API waits for a reply before answering 504 (retry with the same id).
        public var replyTimeout: Duration = .seconds(20)
    }

    public struct Metrics: Sendable, Equatable {
        /// Serve `GET /metrics` (Prometheus). nil: on when listening on loopback or a token is set.
        public var enabled: Bool?
        /// When set, `/metrics` requires `Authorization: Bearer <token>`; required beyond loopback.
        public var token: String?
    }

    public struct Model: Sendable, Equatable {
        /// Empty: the embedded retrieval model answers alone.
        public var name = ""
        public var baseURL = "https://api.openai.com/v1"
        public var apiKey: String?
        public var organization: String?
        public var chat = false
        public var systemPrompt: String?
        public var maxTokens = 400
        public var temperature = 0.7
        public var maxRetries = 2
        public var breakerThreshold = 5
        public var breakerCoolDown: Duration = .seconds(30)
    }

    /// The embedded store's settings (`store.*`).
    public struct EmbeddedStore: Sendable, Equatable {
        /// How long answered message ids are remembered, so a redelivery is not answered twice.
        public var dedupeRetention: Duration = .seconds(7 * 24 * 3600)
        /// Per-channel overrides of `dedupeRetention`.
        public var dedupeRetentionByChannel: [ChatChannel: Duration] = [:]
        /// How long API replies are kept for idempotent retries.
        public var replyRetention: Duration = .seconds(24 * 3600)
        /// Memory budget of the session cache.
        public var sessionCacheBytes = 64 << 20
        /// How often expired dedupe ids and replies are pruned (in small batches).
        public var pruneInterval: Duration = .seconds(60)
    }

    public struct Retrieval: Sendable, Equatable {
        /// JSONL corpus; nil: the built-in starter corpus.
        public var corpusPath: String?
        public var threshold: Float = RetrievalModel.Configuration().threshold
    }

    public var http = HTTP()
    public var local = Local()
    public var metrics = Metrics()
    public var dataDirectory = "./.heartline"
    /// `file` (default: the embedded SQLite database in the data directory) or a `postgres://` URL.
    public var store = "file"
    /// Windows and budgets of the embedded store.
    public var embeddedStore = EmbeddedStore()
    /// Secret for hashing user ids; nil: generated into the data directory.
    public var hashKey: String?
    public var model = Model()
    public var retrieval = Retrieval()
    public var telegram = TelegramSettings()
    public var pipeline = PipelineConfiguration()
    public var safety = SafetySettings()
    public var handoff = HandoffSettings()
    public var wechat = WeChat()
    public var queueCapacity = 10_000
    public var workers = 64
    /// How often idle sessions are swept (and old answer feedback).
    public var sweepInterval: Duration = .seconds(600)
    /// How long answer feedback (👍/👎) is kept (`feedback.retentionDays`).
    public var feedbackRetention: Duration = .seconds(180 * 24 * 3600)
    public var logLevel = "info"

    public init() {}

    /// Whether the local API is served, given the explicit setting, the host and the key.
    public var localChannelEnabled: Bool {
        if let enabled = local.enabled { return enabled && (isLoopback || local.apiKey != nil) }
        return isLoopback || local.apiKey != nil
    }

    /// Whether `/metrics` is served: never unprotected beyond loopback.
    public var metricsEndpointEnabled: Bool {
        if let enabled = metrics.enabled { return enabled && (isLoopback || metrics.token != nil) }
        return isLoopback || metrics.token != nil
    }

    public var isLoopback: Bool {
        ["127.0.0.1", "localhost", "::1"].contains(http.host) || http.host.hasPrefix("127.")
    }
}
