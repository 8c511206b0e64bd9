import Foundation
import Hummingbird
import Logging
import NIOCore
import Simulator
import Synchronization
import Testing

/// The platforms' delivery rules, against a stand-in Heartline that misbehaves on purpose: Telegram
/// delivers an update again after a non-2xx; WeChat gives up on a push after 5 s (shortened here)
/// and delivers the same push again, three deliveries at most.
@Suite struct PlatformRetryTests {
    /// Answers the first `failures` requests to each path badly (503, or too slowly), then well.
    final class Flaky: Sendable {
        let failures: Int
        let slow: Duration
        let seen = Mutex<[String: [String]]>([:])

        init(failures: Int, slow: Duration) {
            self.failures = failures
            self.slow = slow
        }

        func router() -> Router<BasicRequestContext> {
            let router = Router()
            router.post("/telegram/webhook") { request, _ -> Response in
                let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
                let n = self.record("telegram", body)
                return Response(status: n <= self.failures ? .serviceUnavailable : .ok)
            }
            router.post("/wechat/push") { request, _ -> Response in
                let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
                let n = self.record("wechat", body)
                if n <= self.failures { try await Task.sleep(for: self.slow) }
                return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "success")))
            }
            return router
        }

        func record(_ key: String, _ body: String) -> Int {
            seen.withLock { $0[key, default: []].append(body); return $0[key, default: []].count }
        }

        func bodies(_ key: String) -> [String] { seen.withLock { $0[key, default: []] } }
    }

    func withFlakyHeartline(failures: Int, slow: Duration = .seconds(5), _ body: @Sendable (Flaky, SimulatorEngine) async throws -> Void) async throws {
        let flaky = Flaky(failures: failures, slow: slow)
        var logger = Logger(label: "flaky")
        logger.logLevel = .critical
        var configuration = SimulatorConfiguration.generated()
        configuration.wechatPushTimeout = .seconds(2)  // 5 s in WeChat; shorter here, with room for a loaded machine
        configuration.telegramRedeliveryPause = .milliseconds(50)
        configuration.quiet = .milliseconds(100)
        let engine = SimulatorEngine(configuration: configuration, platform: SimulatorPlatform(configuration: configuration))
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let server = Application(
            router: flaky.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: logger
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.runService(gracefulShutdownSignals: []) }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            await engine.setTarget("http://127.0.0.1:\(port)")
            try await body(flaky, engine)
            group.cancelAll()
        }
    }

    @Test func telegramDeliversTheSameUpdateAgainAfterANon2xx() async throws {
        try await withFlakyHeartline(failures: 2) { flaky, engine in
            let exchange = await engine.send(SendRequest(platform: .telegram, user: "rita", text: "hi", expectReply: false))
            #expect(exchange.deliveries.map(\.status) == [503, 503, 200], "\(exchange)")
            let bodies = flaky.bodies("telegram")
            #expect(bodies.count == 3 && Set(bodies).count == 1)
            #expect(exchange.notes.contains { $0.contains("delivers the update again") })
        }
    }

    @Test func wechatDeliversThePushAgainWhenNoAnswerComesInTime() async throws {
        try await withFlakyHeartline(failures: 1) { flaky, engine in
            let exchange = await engine.send(SendRequest(platform: .wechat, user: "sam", text: "hi", expectReply: false))
            #expect(exchange.deliveries.map(\.status) == [nil, 200], "\(exchange)")
            #expect(exchange.deliveries.first?.outcome.hasPrefix("timeout") == true)
            #expect(Set(flaky.bodies("wechat")).count == 1)
        }
    }

    @Test func wechatStopsAfterThreeDeliveries() async throws {
        try await withFlakyHeartline(failures: 5) { flaky, engine in
            let exchange = await engine.send(SendRequest(platform: .wechat, user: "tao", text: "hi", expectReply: false))
            #expect(exchange.deliveries.count == 3 && exchange.deliveries.allSatisfy { $0.status == nil })
            #expect(exchange.notes.contains { $0.contains("该小程序客服暂时无法提供服务") })
        }
    }

    @Test func aHeartlineThatIsNotThereIsReportedNotWaitedFor() async throws {
        let configuration = SimulatorConfiguration.generated()
        let engine = SimulatorEngine(configuration: configuration, platform: SimulatorPlatform(configuration: configuration), target: "http://127.0.0.1:9")
        let start = ContinuousClock.now
        for platform in SimPlatform.allCases {
            let exchange = await engine.send(SendRequest(platform: platform, user: "u", text: "hi"))
            #expect(exchange.error?.contains("connection refused") == true, "\(platform): \(exchange.error ?? "nil")")
        }
        // Three refused connections take milliseconds; the bound leaves room for a suite sharing two
        // cores and still fails a client that waits for a connect timeout (60 s) or retries.
        #expect(ContinuousClock.now - start < .seconds(30))
    }
}
