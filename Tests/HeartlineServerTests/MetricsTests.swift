import ChatCore
import Foundation
import HTTPTypes
@testable import HeartlineServer
import Hummingbird
import HummingbirdTesting
import Logging
import ModelBackends
import NIOCore
import Synchronization
import Testing

/// `/metrics` over a real loopback socket: traffic moves the counters, labels stay low-cardinality,
/// the endpoint is protected, and each application owns its registry.
@Suite struct MetricsTests {
    /// Samples of one metric family from a Prometheus text body: `name{labels} value`.
    static func samples(_ body: String, _ name: String) -> [(labels: String, value: Double)] {
        body.split(separator: "\n").compactMap { line -> (String, Double)? in
            guard !line.hasPrefix("#"), line.hasPrefix(name) else { return nil }
            let rest = line.dropFirst(name.count)
            guard rest.first == "{" || rest.first == " " else { return nil }
            guard let space = rest.lastIndex(of: " "), let value = Double(rest[rest.index(after: space)...]) else { return nil }
            return (String(rest[..<space]), value)
        }
    }

    static func value(_ body: String, _ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples(body, name).first { sample in labels.allSatisfy { sample.labels.contains("\($0.key)=\"\($0.value)\"") } }?.value
    }

    func scrape(_ client: some TestClientProtocol, token: String? = nil) async throws -> (HTTPResponse.Status, String) {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer " + token }
        let response = try await client.execute(uri: "/metrics", method: .get, headers: headers)
        return (response.status, String(buffer: response.body))
    }

    @Test func countersMoveAfterTrafficOnALiveServer() async throws {
        var env = try TestEnvironment()
        env.dependencies.messengers[.local] = FlakyMessenger()
        try await env.app().test(.live) { client in
            let (status, before) = try await scrape(client)
            #expect(status == .ok)
            #expect(Self.value(before, "heartline_http_requests_total", ["channel": "local", "status": "2xx"]) == 0)

            #expect(try await client.postLocal(#"{"user":"alice","text":"最近总是失眠怎么办","id":"m1"}"#).status == .ok)
            #expect(try await client.postLocal(#"{"user":"bob","text":"我很难过","id":"m2"}"#).status == .ok)
            #expect(try await client.postLocal(#"{"user":"alice","text":"最近总是失眠怎么办","id":"m1"}"#).status == .ok)
            #expect(try await client.postLocal(#"{"user":"alice","text":"#).status == .badRequest)
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/no/such/path?token=abc", method: .get).status == .notFound)

            let (_, body) = try await scrape(client)
            #expect(Self.value(body, "heartline_http_requests_total", ["channel": "local", "status": "2xx"]) == 3)
            #expect(Self.value(body, "heartline_http_requests_total", ["channel": "local", "status": "4xx"]) == 1)
            #expect(Self.value(body, "heartline_http_requests_total", ["channel": "health", "status": "2xx"]) == 1)
            #expect(Self.value(body, "heartline_http_requests_total", ["channel": "other", "status": "4xx"]) == 1)
            #expect(Self.value(body, "heartline_http_requests_total", ["channel": "metrics", "status": "2xx"]) == 1)
            #expect(Self.value(body, "heartline_dedupe_hits_total", ["channel": "local"]) == 1)
            #expect(Self.value(body, "heartline_replies_total", ["channel": "local", "source": "model"]) == 2)
            #expect(Self.value(body, "heartline_safety_tier_total", ["tier": "none"]) == 2)
            // The flaky messenger fails every second delivery.
            #expect(Self.value(body, "heartline_deliveries_total", ["platform": "local", "result": "ok"]) == 1)
            #expect(Self.value(body, "heartline_delivery_failures_total", ["platform": "local", "kind": "exhausted"]) == 1)
            #expect(Self.value(body, "heartline_queue_depth") == 0)
            #expect(Self.value(body, "heartline_inbox_pending") == 0)
            #expect(Self.value(body, "heartline_inbox_keys") == 2)
            #expect(Self.value(body, "heartline_reply_duration_seconds_count", ["channel": "local"]) == 2)
            // Nothing a user typed or identified by ever becomes a label.
            for secret in ["alice", "bob", "m1", "失眠", "/no/such/path", "abc"] { #expect(!body.contains(secret)) }
        }
    }

    @Test func modelLatencyErrorsAndFallbacksAreCounted() async throws {
        let metrics = HeartlineMetrics()
        let failing = CountingModel { _ in throw ModelError.server(status: 500) }
        let chain = FallbackChain(
            primary: failing, secondary: CannedModel(name: "retrieval:starter"),
            breaker: CircuitBreaker(threshold: 2, coolDown: .seconds(60)), onEvent: metrics.model
        )
        let env = try TestEnvironment(model: chain)
        var dependencies = env.dependencies
        dependencies.metrics = metrics
        let app = buildApplication(settings: env.settings, dependencies: dependencies, logger: Logger(label: "test"))
        try await app.test(.live) { client in
            for i in 0..<3 {
                let reply = try await client.postLocal(#"{"user":"u\#(i)","text":"睡不着怎么办","id":"f\#(i)"}"#)
                #expect(reply.status == .ok)
                #expect(object(reply)["source"] as? String == "retrieval")
            }
            let (_, body) = try await scrape(client)
            #expect(Self.value(body, "heartline_model_errors_total", ["model": "primary", "kind": "server"]) == 2)
            #expect(Self.value(body, "heartline_model_fallbacks_total", ["from": "primary", "to": "retrieval"]) == 3)
            #expect(Self.value(body, "heartline_model_latency_seconds_count", ["model": "retrieval", "outcome": "ok"]) == 3)
            #expect(Self.value(body, "heartline_model_circuit_open") == 1)
            #expect(Self.value(body, "heartline_replies_total", ["channel": "local", "source": "retrieval"]) == 3)
            // The open circuit is reported, but the service stays ready: fallbacks answer.
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect((object(ready)["components"] as? [String: String])?["model"] == "degraded")
        }
    }

    @Test func tokenProtectsTheEndpoint() async throws {
        let env = try TestEnvironment { $0.metrics.token = "scrape-token-123" }
        try await env.app().test(.live) { client in
            let (missing, _) = try await scrape(client)
            #expect(missing == .unauthorized)
            let (wrong, _) = try await scrape(client, token: "wrong")
            #expect(wrong == .unauthorized)
            let (status, body) = try await scrape(client, token: "scrape-token-123")
            #expect(status == .ok && body.contains("heartline_http_requests_total"))
        }
    }

    @Test func notServedBeyondLoopbackWithoutAToken() async throws {
        let open = try TestEnvironment { $0.http.host = "0.0.0.0" }
        try await open.app().test(.router) { client in
            let (status, _) = try await scrape(client)
            #expect(status == .notFound)
        }
        let disabled = try TestEnvironment { $0.metrics.enabled = false }
        try await disabled.app().test(.router) { client in
            let (status, _) = try await scrape(client)
            #expect(status == .notFound)
        }
    }

    @Test func settingsRefuseAnUnprotectedPublicEndpoint() async throws {
        let reader = try await SettingsLoader.reader(
            environment: ["HEARTLINE_HOST": "0.0.0.0", "HEARTLINE_METRICS_ENABLED": "true"], dotEnvPath: nil
        )
        var loader = SettingsLoader(reader: reader)
        #expect(throws: SettingsError.self) { try loader.load() }
        let withToken = try await SettingsLoader.reader(
            environment: ["HEARTLINE_HOST": "0.0.0.0", "HEARTLINE_METRICS_ENABLED": "true", "HEARTLINE_METRICS_TOKEN": "t0ken-t0ken"], dotEnvPath: nil
        )
        var ok = SettingsLoader(reader: withToken)
        let settings = try ok.load()
        #expect(settings.metricsEndpointEnabled && settings.metrics.token == "t0ken-t0ken")
    }

    @Test func eachApplicationOwnsItsRegistry() async throws {
        let first = try TestEnvironment()
        let second = try TestEnvironment()
        try await first.app().test(.router) { client in
            _ = try await client.postLocal(#"{"user":"a","text":"你好","id":"x"}"#)
        }
        try await second.app().test(.router) { client in
            let (_, body) = try await scrape(client)
            #expect(Self.value(body, "heartline_http_requests_total", ["channel": "local", "status": "2xx"]) == 0)
        }
    }

    @Test func pathsMapToAFixedSetOfChannels() {
        let c = HTTPChannel.Classifier(telegramPath: "/telegram/webhook", wechatPushPath: "/wechat/push", miniProgramPrefix: "/wechat/miniprogram")
        #expect(c.channel(forPath: "/v1/local/messages") == .local)
        #expect(c.channel(forPath: "/telegram/webhook") == .telegram)
        #expect(c.channel(forPath: "/telegram/webhook/heartline_bot") == .telegram)
        #expect(c.channel(forPath: "/telegram/webhookX") == .other)
        #expect(c.channel(forPath: "/wechat/push") == .wechat)
        #expect(c.channel(forPath: "/wechat/miniprogram/ask") == .miniprogram)
        #expect(c.channel(forPath: "/healthz") == .health && c.channel(forPath: "/readyz") == .health)
        #expect(c.channel(forPath: "/metrics") == .metrics)
        #expect(c.channel(forPath: "/wp-admin/setup.php") == .other)
        #expect(HTTPChannel.Classifier().channel(forPath: "/telegram/webhook") == .other)
    }

    @Test func recentStoreFailureMakesTheServiceUnreadyForAWindow() async throws {
        let clock = Mutex(ContinuousClock.now)
        let readiness = Readiness(now: { clock.withLock { $0 } })
        readiness.set("store", healthy: true)
        #expect(readiness.isReady)
        readiness.reportFailure("store", for: .milliseconds(200))
        #expect(!readiness.isReady)
        #expect(readiness.snapshot.components["store"] == false)
        clock.withLock { $0 += .milliseconds(199) }
        #expect(!readiness.isReady, "still inside the window")
        clock.withLock { $0 += .milliseconds(2) }
        #expect(readiness.isReady)
        readiness.reportFailure("store", for: .seconds(60))
        readiness.reportSuccess("store")
        #expect(readiness.isReady)
    }

    @Test func accessLogHasNoQueryStrings() async throws {
        let lines = LogCapture()
        var logger = Logger(label: "test") { _ in lines }
        logger.logLevel = .info
        let router = Router()
        router.add(middleware: AccessLogMiddleware(logger: logger))
        router.get("/wechat/push") { _, _ in "ok" }
        try await Application(router: router).test(.router) { client in
            let response = try await client.execute(uri: "/wechat/push?signature=deadbeef&timestamp=1&nonce=2&echostr=cafe", method: .get)
            #expect(response.status == .ok)
        }
        let all = lines.text
        #expect(all.contains("/wechat/push") && all.contains("http.status=200"))
        for secret in ["deadbeef", "signature", "nonce", "cafe", "echostr", "?"] { #expect(!all.contains(secret)) }
    }
}

/// Fails every second delivery.
final class FlakyMessenger: Messenger, Sendable {
    private let count = Mutex(0)
    func deliver(_ reply: Reply, for message: InboundMessage) async throws {
        let n = count.withLock { c in
            c += 1
            return c
        }
        if n % 2 == 0 { throw DeliveryError.exhausted(reason: "test") }
    }
}

/// A model that always answers the same, named as the chain's retrieval model.
struct CannedModel: CompletionModel {
    let name: String
    func complete(_ request: CompletionRequest) async throws -> Completion {
        Completion(text: "试着在睡前放松一下。", model: name, origin: .retrieval)
    }
}

/// Collects log lines (message and metadata) in memory.
final class LogCapture: LogHandler, Sendable {
    private let lines = Mutex<[String]>([])
    var text: String { lines.withLock { $0.joined(separator: "\n") } }

    var metadata: Logger.Metadata {
        get { [:] }
        set {}
    }
    var logLevel: Logger.Level {
        get { .trace }
        set {}
    }
    subscript(metadataKey _: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }

    func log(event: LogEvent) {
        let meta = (event.metadata ?? [:]).map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
        lines.withLock { $0.append("\(event.message) \(meta)") }
    }
}
