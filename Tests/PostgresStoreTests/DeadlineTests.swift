import ChatCore
import Foundation
@testable import PostgresStore
import Synchronization
import Testing

/// The bounded waits the store relies on across a database outage (no database needed).
@Suite struct DeadlineTests {
    @Test func aFastBodyReturnsItsValue() async throws {
        #expect(try await withDeadline(.seconds(5), "fast") { 42 } == 42)
    }

    /// A wait that ignores cancellation (as a statement already written to a PostgresNIO
    /// connection does) must not hold the caller past the deadline.
    @Test func aBodyThatIgnoresCancellationStillEndsAtTheDeadline() async throws {
        let timedOut = Mutex(false)
        let resumed = Mutex(false)
        await #expect(throws: StoreError.self) {
            try await withDeadline(.milliseconds(200), "stuck", onTimeout: { timedOut.withLock { $0 = true } }) {
                // Resumed only by a timer two minutes later: cancellation cannot end this wait.
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    DispatchQueue.global().asyncAfter(deadline: .now() + 120) {
                        resumed.withLock { $0 = true }
                        continuation.resume()
                    }
                }
                return 1
            }
        }
        // The caller was released without waiting for the body (no wall-clock bound: other suites
        // may keep both cooperative threads busy for many seconds).
        #expect(!resumed.withLock { $0 })
        #expect(timedOut.withLock { $0 })
    }

    @Test func aFailingBodyThrowsItsOwnError() async throws {
        struct Boom: Error {}
        await #expect(throws: Boom.self) { try await withDeadline(.seconds(5), "boom") { () async throws -> Int in throw Boom() } }
    }

    /// A caller queued behind a batch leader whose flush does not return leaves at once when its
    /// task is cancelled, instead of waiting for the flush.
    @Test func aQueuedBatchCallerHonoursCancellation() async throws {
        let (gate, open) = AsyncStream.makeStream(of: Void.self)
        let batcher = Batcher<Int, Int>(maxConcurrent: 1, maxBatch: 8) { items in
            for await _ in gate { break }
            return items
        }
        let leader = Task { try await batcher.submit(1) }
        try await Task.sleep(for: .milliseconds(100))
        let queued = Task { try await batcher.submit(2) }
        try await Task.sleep(for: .milliseconds(100))
        // The leader's flush stays blocked until the gate opens below: the queued caller leaves
        // without waiting for it.
        queued.cancel()
        await #expect(throws: CancellationError.self) { try await queued.value }
        open.yield()
        #expect(try await leader.value == 1)
        // The leader slot was given back: the next caller leads a batch of its own.
        let next = Task { try await batcher.submit(3) }
        try await Task.sleep(for: .milliseconds(50))
        open.yield()
        #expect(try await next.value == 3)
    }
}
