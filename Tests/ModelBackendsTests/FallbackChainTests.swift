import ChatCore
import Foundation
import Synchronization
import Testing
@testable import ModelBackends

struct StubModel: CompletionModel {
    let name: String
    let behaviour: @Sendable () async throws -> String
    func complete(_ request: CompletionRequest) async throws -> Completion {
        Completion(text: try await behaviour(), model: name, origin: name == "retrieval" ? .retrieval : .primary)
    }
}

@Suite struct FallbackChainTests {
    func request(budget: Duration = .seconds(2)) -> CompletionRequest {
        CompletionRequest(question: "q", history: [], prompt: "q", userHash: UserHash("u"), language: .zh, deadline: .now + budget)
    }

    @Test func primaryAnswersWhenHealthy() async throws {
        let chain = FallbackChain(primary: StubModel(name: "p") { "primary" }, secondary: StubModel(name: "retrieval") { "secondary" })
        #expect(try await chain.complete(request()).text == "primary")
    }

    @Test func failingPrimaryFallsBackToRetrievalThenFixed() async throws {
        let events = Mutex<[ModelEvent]>([])
        let chain = FallbackChain(
            primary: StubModel(name: "p") { throw ModelError.server(status: 500) },
            secondary: StubModel(name: "retrieval") { "secondary" },
            onEvent: { e in events.withLock { $0.append(e) } }
        )
        #expect(try await chain.complete(request()).text == "secondary")
        #expect(events.withLock { $0.contains(.fellBack(from: "p", to: "retrieval")) })
        let none = FallbackChain(primary: StubModel(name: "p") { throw ModelError.timeout }, secondary: StubModel(name: "retrieval") { throw ModelError.invalidResponse("x") })
        let fixed = try await none.complete(request())
        #expect(fixed.origin == .fixed && fixed.text == ReplyCatalog.text(.fallback, .zh))
    }

    @Test func hangingPrimaryIsCutAtTheDeadlineLeavingTimeForRetrieval() async throws {
        let chain = FallbackChain(
            primary: StubModel(name: "p") {
                try await Task.sleep(for: .seconds(30))
                return "too late"
            },
            secondary: StubModel(name: "retrieval") { "secondary" },
            reserve: .milliseconds(200)
        )
        let started = ContinuousClock.now
        #expect(try await chain.complete(request(budget: .milliseconds(600))).text == "secondary")
        // The primary sleeps 30 s; finishing before that proves it was cut at the deadline (the
        // bound leaves room for a full suite that starves the two cooperative threads for seconds).
        #expect(ContinuousClock.now - started < .seconds(26))
    }

    @Test func circuitOpensAfterRepeatedFailuresAndClosesAfterCoolDown() async throws {
        let calls = Mutex(0)
        let healthy = Mutex(false)
        let now = Mutex(ContinuousClock.now)
        let breaker = CircuitBreaker(threshold: 3, coolDown: .seconds(30), now: { now.withLock { $0 } })
        let chain = FallbackChain(
            primary: StubModel(name: "p") {
                calls.withLock { $0 += 1 }
                if healthy.withLock({ $0 }) { return "primary" }
                throw ModelError.server(status: 502)
            },
            secondary: StubModel(name: "retrieval") { "secondary" },
            breaker: breaker
        )
        for _ in 0..<5 { _ = try await chain.complete(request()) }
        #expect(calls.withLock { $0 } == 3)
        #expect(await breaker.isOpen)
        healthy.withLock { $0 = true }
        now.withLock { $0 = $0 + .seconds(31) }
        #expect(try await chain.complete(request()).text == "primary")
        #expect(await breaker.state == .closed)
    }
}
