import ChatCore
import Foundation
import Logging
import Synchronization

/// Sends operator alerts in the background so that a crisis reply never waits on the network.
/// `enqueue` returns at once; `run` (wrapped in a Service by the server) drains the queue. At most
/// one alert per user per `minInterval`, and at most `bufferSize` waiting (the newest are kept).
public final class AlertDispatcher: Sendable {
    public let minInterval: TimeInterval
    private let sink: any AlertSink
    private let logger: Logger
    private let stream: AsyncStream<CrisisAlert>
    private let continuation: AsyncStream<CrisisAlert>.Continuation
    private let lastSent = Mutex<[String: Date]>([:])
    private let sentCount = Mutex(0)
    private let failedCount = Mutex(0)

    public init(sink: any AlertSink, minInterval: TimeInterval = 1800, bufferSize: Int = 100, logger: Logger = Logger(label: "heartline.alerts")) {
        self.sink = sink
        self.minInterval = minInterval
        self.logger = logger
        (stream, continuation) = AsyncStream.makeStream(of: CrisisAlert.self, bufferingPolicy: .bufferingNewest(max(bufferSize, 1)))
    }

    /// Queues an alert unless this user had one within `minInterval`. Never blocks.
    @discardableResult
    public func enqueue(_ alert: CrisisAlert) -> Bool {
        let due = lastSent.withLock { last in
            if let previous = last[alert.user], alert.at.timeIntervalSince(previous) < minInterval { return false }
            if last.count > 50_000 { last = last.filter { alert.at.timeIntervalSince($0.value) < minInterval } }
            last[alert.user] = alert.at
            return true
        }
        guard due else { return false }
        if case .dropped = continuation.yield(alert) {
            logger.warning("alert queue full; oldest alert dropped")
        }
        return true
    }

    /// Sends queued alerts until `finish()` or cancellation. Failures are logged and counted.
    public func run() async {
        for await alert in stream {
            do {
                try await sink.send(alert)
                sentCount.withLock { $0 += 1 }
                logger.info("operator alert sent", metadata: ["chat.channel": "\(alert.channel)", "chat.user": "\(alert.user.prefix(12))"])
            } catch {
                failedCount.withLock { $0 += 1 }
                logger.error("operator alert failed", metadata: ["chat.channel": "\(alert.channel)", "error.kind": "\(type(of: error))"])
            }
        }
    }

    public func finish() { continuation.finish() }

    public func forget(_ user: UserHash) {
        lastSent.withLock { _ = $0.removeValue(forKey: user.value) }
    }

    public var sent: Int { sentCount.withLock { $0 } }
    public var failed: Int { failedCount.withLock { $0 } }
}
