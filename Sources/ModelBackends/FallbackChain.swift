import Foundation
import ChatCore
import Logging

/// Events of the fallback chain, for metrics.
public enum ModelEvent: Sendable, Equatable {
    case succeeded(model: String, latency: Duration)
    case failed(model: String, kind: String, latency: Duration)
    /// The chain moved on from `from` (a failure, a timeout or an open circuit).
    case fellBack(from: String, to: String)
}

/// Primary model → retrieval model → a fixed calm reply. The primary gets the budget minus a small
/// reserve so the fallbacks can still answer in time; a circuit breaker skips a primary that keeps
/// failing. `complete` never throws: the user always gets an answer within the budget.
public struct FallbackChain: StreamingCompletionModel {
    public let primary: (any CompletionModel)?
    public let secondary: (any CompletionModel)?
    public let breaker: CircuitBreaker
    /// Time kept back from the primary for the fallbacks.
    public let reserve: Duration
    let logger: Logger
    let onEvent: @Sendable (ModelEvent) -> Void

    public init(
        primary: (any CompletionModel)?,
        secondary: (any CompletionModel)?,
        breaker: CircuitBreaker = CircuitBreaker(),
        reserve: Duration = .milliseconds(500),
        logger: Logger = Logger(label: "heartline.model"),
        onEvent: @escaping @Sendable (ModelEvent) -> Void = { _ in }
    ) {
        self.primary = primary
        self.secondary = secondary
        self.breaker = breaker
        self.reserve = reserve
        self.logger = logger
        self.onEvent = onEvent
    }

    public var name: String { [primary?.name, secondary?.name, "fixed"].compactMap { $0 }.joined(separator: "→") }

    public func complete(_ request: CompletionRequest) async throws -> Completion {
        try await run(request, onDraft: nil)
    }

    /// Streams only when the primary does (a remote model); the retrieval model never streams.
    public var streams: Bool { (primary as? any StreamingCompletionModel)?.streams ?? false }

    public func stream(_ request: CompletionRequest, onDraft: @escaping @Sendable (String) async throws -> Void) async throws -> Completion {
        try await run(request, onDraft: onDraft)
    }

    /// The chain. With `onDraft`, a streaming primary streams its drafts; when it fails (before or
    /// after drafts), the next model answers without streaming and its whole answer replaces the
    /// drafts. Throws only what `onDraft` throws (the caller stopping the stream).
    func run(_ request: CompletionRequest, onDraft: (@Sendable (String) async throws -> Void)?) async throws -> Completion {
        if let primary {
            if await breaker.allowsCall() {
                var limited = request
                limited.deadline = request.deadline - (secondary == nil ? .zero : reserve)
                switch try await attempt(primary, limited, onDraft: onDraft) {
                case .success(let completion):
                    await breaker.recordSuccess()
                    return completion
                case .failure(let error):
                    // Client mistakes (bad request) say nothing about the model's health.
                    if case .badRequest = error {} else { await breaker.recordFailure() }
                }
            } else {
                logger.debug("primary model skipped: circuit open", metadata: ["model.name": "\(primary.name)"])
            }
            onEvent(.fellBack(from: primary.name, to: secondary?.name ?? "fixed"))
        }
        if let secondary {
            if case .success(let completion) = try await attempt(secondary, request, onDraft: nil) { return completion }
            onEvent(.fellBack(from: secondary.name, to: "fixed"))
        }
        return Completion(text: ReplyCatalog.text(.fallback, request.language), model: "fixed", origin: .fixed)
    }

    /// The caller's draft callback refused a draft: not a model failure.
    struct DraftStopped: Error {
        var underlying: any Error
    }

    private enum Attempted: Sendable {
        case finished(Result<Completion, ModelError>)
        case stopped(DraftStopped)
        case timedOut
    }

    /// Calls a model (streaming when it can and `onDraft` is given), enforcing the deadline even
    /// if the model does not.
    private func attempt(
        _ model: any CompletionModel, _ request: CompletionRequest, onDraft: (@Sendable (String) async throws -> Void)?
    ) async throws -> Result<Completion, ModelError> {
        let started = ContinuousClock.now
        let deadline = request.deadline
        let attempted: Attempted = await withTaskGroup(of: Attempted?.self) { group in
            group.addTask {
                do {
                    if let onDraft, let streaming = model as? any StreamingCompletionModel, streaming.streams {
                        let completion = try await streaming.stream(request) { draft in
                            do { try await onDraft(draft) } catch { throw DraftStopped(underlying: error) }
                        }
                        return .finished(.success(completion))
                    }
                    return .finished(.success(try await model.complete(request)))
                } catch let stopped as DraftStopped {
                    return .stopped(stopped)
                } catch let error as ModelError {
                    return .finished(.failure(error))
                } catch is CancellationError {
                    return .finished(.failure(.timeout))
                } catch {
                    return .finished(.failure(.invalidResponse("\(type(of: error))")))
                }
            }
            group.addTask {
                try? await Task.sleep(until: deadline, clock: .continuous)
                return Task.isCancelled ? nil : .timedOut
            }
            var outcome: Attempted = .timedOut
            while let next = await group.next() {
                if let next {
                    outcome = next
                    break
                }
            }
            group.cancelAll()
            return outcome
        }
        let result: Result<Completion, ModelError>
        switch attempted {
        case .finished(let finished): result = finished
        case .timedOut: result = .failure(.timeout)
        case .stopped(let stopped):
            // The model was answering; the caller ended the call.
            await breaker.recordSuccess()
            throw stopped.underlying
        }
        let latency = ContinuousClock.now - started
        switch result {
        case .success:
            onEvent(.succeeded(model: model.name, latency: latency))
        case .failure(let error):
            onEvent(.failed(model: model.name, kind: error.kind, latency: latency))
            logger.warning("model call failed", metadata: ["model.name": "\(model.name)", "error.kind": "\(error.kind)", "model.latency_ms": "\(latency.milliseconds)"])
        }
        return result
    }
}
