import ChatCore
import Foundation
import Metrics
import ModelBackends
import Prometheus
import Synchronization

/// The service's metrics, written through swift-metrics to a factory the application owns (never
/// the process-wide `MetricsSystem`, so tests can build many applications side by side). Labels
/// are small fixed sets (channel, status class, tier, source, platform, error kind, model role):
/// never user ids, chat ids or text.
public final class HeartlineMetrics: Sendable {
    /// The registry `/metrics` renders; nil when metrics go to another backend (or nowhere).
    public let registry: PrometheusCollectorRegistry?
    let factory: any MetricsFactory
    private let cache = Mutex<[String: Metrics.Counter]>([:])

    /// A fresh Prometheus registry owned by this instance.
    public convenience init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        let latency: [Duration] = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(15), .seconds(30),
        ]
        factory.defaultDurationHistogramBuckets = latency
        // A counsellor answers in minutes, not milliseconds.
        factory.durationHistogramBuckets["heartline_handoff_first_reply_seconds"] = [10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200].map { .seconds($0) }
        self.init(factory: factory, registry: registry)
    }

    /// Any swift-metrics backend (`registry` nil: `/metrics` is not served by Heartline).
    public init(factory: any MetricsFactory, registry: PrometheusCollectorRegistry? = nil) {
        self.factory = factory
        self.registry = registry
        queueDepth = Metrics.Gauge(label: "heartline_queue_depth", factory: factory)
        queueOldestAge = Metrics.Gauge(label: "heartline_queue_oldest_age_seconds", factory: factory)
        inboxPending = Metrics.Gauge(label: "heartline_inbox_pending", factory: factory)
        inboxOldestAge = Metrics.Gauge(label: "heartline_inbox_oldest_age_seconds", factory: factory)
        inboxKeys = Metrics.Gauge(label: "heartline_inbox_keys", factory: factory)
        circuitOpen = Metrics.Gauge(label: "heartline_model_circuit_open", factory: factory)
        // Families that exist from the start, so dashboards and rate() see zeros, not gaps.
        for channel in HTTPChannel.allCases {
            for status in ["2xx", "4xx", "5xx"] { _ = counter("heartline_http_requests_total", [("channel", channel.rawValue), ("status", status)]) }
        }
        for tier in SafetyTier.allCases { _ = counter("heartline_safety_tier_total", [("tier", tier.rawValue)]) }
    }

    /// No metrics at all (`metrics.enabled = false`).
    public static func disabled() -> HeartlineMetrics {
        HeartlineMetrics(factory: NOOPMetricsHandler.instance, registry: nil)
    }

    /// The Prometheus text exposition, or nil when this instance has no registry.
    public func render() -> [UInt8]? {
        registry?.emitToBuffer()
    }

    let queueDepth: Metrics.Gauge
    let queueOldestAge: Metrics.Gauge
    let inboxPending: Metrics.Gauge
    let inboxOldestAge: Metrics.Gauge
    let inboxKeys: Metrics.Gauge
    let circuitOpen: Metrics.Gauge

    /// Counters are looked up once per label set and kept.
    func counter(_ label: String, _ dimensions: [(String, String)]) -> Metrics.Counter {
        let key = label + dimensions.map { "|\($0.0)=\($0.1)" }.joined()
        if let hit = cache.withLock({ $0[key] }) { return hit }
        let made = Metrics.Counter(label: label, dimensions: dimensions, factory: factory)
        return cache.withLock { c in
            if let existing = c[key] { return existing }
            c[key] = made
            return made
        }
    }

    func timer(_ label: String, _ dimensions: [(String, String)]) -> Metrics.Timer {
        Metrics.Timer(label: label, dimensions: dimensions, factory: factory)
    }

    // MARK: Recording

    public func httpRequest(channel: HTTPChannel, status: Int, duration: Duration) {
        counter("heartline_http_requests_total", [("channel", channel.rawValue), ("status", Self.statusClass(status))]).increment()
        timer("heartline_http_request_duration_seconds", [("channel", channel.rawValue)]).record(duration: duration)
    }

    public func dedupeHit(_ channel: ChatChannel) {
        counter("heartline_dedupe_hits_total", [("channel", channel.rawValue)]).increment()
    }

    public func delivery(_ channel: ChatChannel, _ result: Result<Void, DeliveryError>) {
        let outcome: String
        switch result {
        case .success: outcome = "ok"
        case .failure(.permanent): outcome = "permanent"
        case .failure(.exhausted): outcome = "exhausted"
        }
        counter("heartline_deliveries_total", [("platform", channel.rawValue), ("result", outcome)]).increment()
        if outcome != "ok" {
            counter("heartline_delivery_failures_total", [("platform", channel.rawValue), ("kind", outcome)]).increment()
        }
    }

    public func model(_ event: ModelEvent) {
        switch event {
        case .succeeded(let model, let latency):
            timer("heartline_model_latency_seconds", [("model", Self.role(model)), ("outcome", "ok")]).record(duration: latency)
        case .failed(let model, let kind, let latency):
            timer("heartline_model_latency_seconds", [("model", Self.role(model)), ("outcome", "error")]).record(duration: latency)
            counter("heartline_model_errors_total", [("model", Self.role(model)), ("kind", Self.errorKind(kind))]).increment()
        case .fellBack(let from, let to):
            counter("heartline_model_fallbacks_total", [("from", Self.role(from)), ("to", Self.role(to))]).increment()
        }
    }

    /// One check of the moderation second opinion (`safety.moderation`).
    public func moderation(stage: String, outcome: String) {
        counter("heartline_moderation_checks_total", [
            ("stage", Self.bounded(stage, ["input", "output"])), ("outcome", Self.bounded(outcome, ["clear", "flagged", "error", "timeout"])),
        ]).increment()
    }

    public func pipeline(_ event: PipelineEvent) {
        switch event {
        case .replied(let channel, let source, let tier, let latency):
            counter("heartline_replies_total", [("channel", channel.rawValue), ("source", source.rawValue)]).increment()
            counter("heartline_safety_tier_total", [("tier", tier.rawValue)]).increment()
            timer("heartline_reply_duration_seconds", [("channel", channel.rawValue)]).record(duration: latency)
        case .safetyFailed(let stage):
            counter("heartline_safety_failures_total", [("stage", Self.bounded(stage, ["input", "output"]))]).increment()
        case .outputReplaced(let reason):
            counter("heartline_output_replaced_total", [("reason", Self.slug(reason))]).increment()
        case .storeFailed(let operation):
            counter("heartline_store_failures_total", [("operation", Self.bounded(operation, ["load", "save", "forget", "handoff"]))]).increment()
        case .crisis(let channel):
            counter("heartline_crisis_total", [("channel", channel.rawValue)]).increment()
        case .handoffOpened(let channel, let reason):
            handoffOpened(channel: channel, reason: reason)
        case .handoffTimedOut:
            handoffTimedOut()
        case .streamed(let channel, let outcome):
            counter("heartline_streamed_replies_total", [("channel", channel.rawValue), ("outcome", outcome.rawValue)]).increment()
        }
    }

    /// Gauges sampled at scrape time.
    public func sample(queueDepth depth: Int, queueOldest: Date?, inboxPending pending: Int?, inboxOldest: Date?, inboxKeys keys: Int? = nil, circuitOpen open: Bool?, now: Date) {
        queueDepth.record(depth)
        queueOldestAge.record(queueOldest.map { max(0, now.timeIntervalSince($0)) } ?? 0)
        if let pending { inboxPending.record(pending) }
        inboxOldestAge.record(inboxOldest.map { max(0, now.timeIntervalSince($0)) } ?? 0)
        if let keys { inboxKeys.record(keys) }
        if let open { circuitOpen.record(open ? 1 : 0) }
    }

    /// The shared store (PostgreSQL) answers a probe through the connection pool (1) or not (0);
    /// each change to 0 counts one outage.
    public func storeAvailable(_ up: Bool) {
        Metrics.Gauge(label: "heartline_store_up", factory: factory).record(up ? 1 : 0)
        if !up { counter("heartline_store_outages_total", []).increment() }
    }

    // MARK: Label hygiene

    static func statusClass(_ status: Int) -> String {
        switch status {
        case 100..<200: "1xx"
        case 200..<300: "2xx"
        case 300..<400: "3xx"
        case 400..<500: "4xx"
        default: "5xx"
        }
    }

    /// Model names can be long fine-tune ids; the label is the role in the chain.
    static func role(_ name: String) -> String {
        if name == "fixed" { return "fixed" }
        if name.hasPrefix("retrieval") { return "retrieval" }
        return "primary"
    }

    static func errorKind(_ kind: String) -> String { slug(kind) }

    static func bounded(_ value: String, _ allowed: Set<String>) -> String {
        allowed.contains(value) ? value : "other"
    }

    /// A value that is already a short identifier passes; anything else is `other`, so a label can
    /// never carry free text.
    static func slug(_ value: String) -> String {
        guard (1...32).contains(value.utf8.count), value.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 95 }) else {
            return "other"
        }
        return value
    }
}

/// A pipeline observer that records into the metrics and then into the one configured, if any.
struct MetricsPipelineObserver: PipelineObserver {
    let metrics: HeartlineMetrics
    let next: any PipelineObserver

    func record(_ event: PipelineEvent) {
        metrics.pipeline(event)
        next.record(event)
    }
}
