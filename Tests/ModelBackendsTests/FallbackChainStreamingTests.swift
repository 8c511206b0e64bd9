import ChatCore
import Foundation
import Synchronization
import Testing
@testable import ModelBackends

/// A streaming primary: drafts, then an answer or a failure.
struct StreamingStub: StreamingCompletionModel {
    let name = "remote"
    let drafts: [String]
    var failure: ModelError?
    var pause: Duration = .zero
    var streams: Bool { true }

    func complete(_ request: CompletionRequest) async throws -> Completion {
        if let failure { throw failure }
        return Completion(text: drafts.last ?? "", model: name, origin: .primary)
    }

    func stream(_ request: CompletionRequest, onDraft: @escaping @Sendable (String) async throws -> Void) async throws -> Completion {
        for draft in drafts {
            if pause > .zero { try await Task.sleep(for: pause) }
            try await onDraft(draft)
        }
        return try await complete(request)
    }
}

@Suite struct FallbackChainStreamingTests {
    func request(budget: Duration = .seconds(2)) -> CompletionRequest {
        CompletionRequest(question: "q", history: [], prompt: "q", userHash: UserHash("u"), language: .zh, deadline: .now + budget)
    }

    @Test func streamsOnlyWithAStreamingPrimary() {
        #expect(FallbackChain(primary: StreamingStub(drafts: []), secondary: nil).streams)
        #expect(!FallbackChain(primary: nil, secondary: StubModel(name: "retrieval") { "r" }).streams)
        #expect(!FallbackChain(primary: StubModel(name: "p") { "p" }, secondary: nil).streams)
    }

    @Test func draftsPassThroughAndAFailedStreamFallsBackWithoutStreaming() async throws {
        let seen = Mutex<[String]>([])
        let healthy = FallbackChain(primary: StreamingStub(drafts: ["一。", "一。二。"]), secondary: StubModel(name: "retrieval") { "r" })
        let answer = try await healthy.stream(request()) { draft in seen.withLock { $0.append(draft) } }
        #expect(answer.text == "一。二。")
        #expect(seen.withLock { $0 } == ["一。", "一。二。"])

        let breaker = CircuitBreaker(threshold: 1)
        let broken = FallbackChain(
            primary: StreamingStub(drafts: ["一。"], failure: .invalidResponse("stream ended before the answer did")),
            secondary: StubModel(name: "retrieval") { "检索回答" }, breaker: breaker
        )
        #expect(try await broken.stream(request()) { _ in }.text == "检索回答")
        #expect(await breaker.isOpen)
    }

    struct Stop: Error {}

    @Test func aStopFromTheCallerIsNotAModelFailure() async throws {
        let breaker = CircuitBreaker(threshold: 1)
        let secondaryCalls = Mutex(0)
        let chain = FallbackChain(
            primary: StreamingStub(drafts: ["一。", "二。"]),
            secondary: StubModel(name: "retrieval") { secondaryCalls.withLock { $0 += 1 }; return "r" }, breaker: breaker
        )
        await #expect(throws: Stop.self) { try await chain.stream(request()) { _ in throw Stop() } }
        #expect(secondaryCalls.withLock { $0 } == 0)
        #expect(await !breaker.isOpen)
    }

    @Test func aStreamPastItsDeadlineLeavesTimeForRetrieval() async throws {
        let chain = FallbackChain(
            primary: StreamingStub(drafts: ["一。", "二。"], pause: .seconds(60)),
            secondary: StubModel(name: "retrieval") { "检索回答" }, reserve: .milliseconds(300)
        )
        let started = ContinuousClock.now
        #expect(try await chain.stream(request(budget: .seconds(1))) { _ in }.text == "检索回答")
        // Far below the primary's first 60 s pause: the stream was cut at the deadline (with room
        // for a starved two-thread pool; docs/benchmarks.md, "The test suite on two cores").
        #expect(ContinuousClock.now - started < .seconds(30))
    }
}
