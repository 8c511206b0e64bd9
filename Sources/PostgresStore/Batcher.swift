/// Group commit: concurrent callers share round trips. The first caller (up to `maxConcurrent` at
/// once) becomes a leader and flushes its own item together with everything queued behind it; when
/// the flush returns, every caller in the batch gets its result and the next queued caller, if any,
/// leads the following batch. Under light load a batch is one item and costs nothing extra.
actor Batcher<Item: Sendable, Output: Sendable> {
    typealias Flush = @Sendable ([Item]) async throws -> [Output]

    private enum Signal: Sendable {
        case done(Output)
        case failed(any Error)
        case lead
    }

    private struct Waiting {
        var item: Item
        var continuation: CheckedContinuation<Signal, Never>
    }

    private var queue: [Waiting] = []
    private var leaders = 0
    private let maxConcurrent: Int
    private let maxBatch: Int
    private let flush: Flush

    init(maxConcurrent: Int, maxBatch: Int, flush: @escaping Flush) {
        self.maxConcurrent = max(1, maxConcurrent)
        self.maxBatch = max(1, maxBatch)
        self.flush = flush
    }

    func submit(_ item: Item) async throws -> Output {
        if leaders < maxConcurrent {
            leaders += 1
            return try await lead(item)
        }
        let signal = await withCheckedContinuation { (continuation: CheckedContinuation<Signal, Never>) in
            queue.append(Waiting(item: item, continuation: continuation))
        }
        switch signal {
        case .done(let output): return output
        case .failed(let error): throw error
        case .lead: return try await lead(item)
        }
    }

    /// Flushes `first` together with what is queued; returns the leader's own result.
    private func lead(_ first: Item) async throws -> Output {
        let take = min(queue.count, maxBatch - 1)
        let batch = Array(queue.prefix(take))
        queue.removeFirst(take)
        let result: Result<[Output], any Error>
        do {
            let outputs = try await flush([first] + batch.map(\.item))
            precondition(outputs.count == batch.count + 1, "a batch flush must answer every item")
            result = .success(outputs)
        } catch {
            result = .failure(error)
        }
        // The next queued caller leads the following batch, or the leader slot is given back.
        if queue.isEmpty {
            leaders -= 1
        } else {
            queue.removeFirst().continuation.resume(returning: .lead)
        }
        for (index, waiting) in batch.enumerated() {
            switch result {
            case .success(let outputs): waiting.continuation.resume(returning: .done(outputs[index + 1]))
            case .failure(let error): waiting.continuation.resume(returning: .failed(error))
            }
        }
        return try result.get()[0]
    }
}
