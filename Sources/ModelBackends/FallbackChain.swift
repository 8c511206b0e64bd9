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
public struct FallbackChain: CompletionModel {
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
        if let primary {
            if await breaker.allowsCall() {
                var limited = request
                limited.deadline = request.deadline - (secondary == nil ? .zero : reserve)
                switch await attempt(primary, limited) {
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
            if case .success(let completion) = await attempt(secondary, request) { return completion }
            onEvent(.fellBack(from: secondary.name, to: "fixed"))
        }
        return Completion(text: ReplyCatalog.text(.fallback, request.language), model: "fixed", origin: .fixed)
    }

    /// Calls a model, enforcing the deadline even if the model does not.
    private func attempt(_ model: any CompletionModel, _ request: CompletionRequest) async -> Result<Completion, ModelError> {
        let started = ContinuousClock.now
        let deadline = request.deadline
        let result: Result<Completion, ModelError> = await withTaskGroup(of: Result<Completion, ModelError>?.self) { group in
            group.addTask {
                do {
                    return .success(try await model.complete(request))
                } catch let error as ModelError {
                    return .failure(error)
                } catch is CancellationError {
                    return .failure(.timeout)
                } catch {
                    return .failure(.invalidResponse("\(type(of: error))"))
                }
            }
            group.addTask {
                try? await Task.sleep(until: deadline, clock: .continuous)
                return Task.isCancelled ? nil : .failure(.timeout)
            }
            var outcome: Result<Completion, ModelError> = .failure(.timeout)
            while let next = await group.next() {
                if let next {
                    outcome = next
                    break
                }
            }
            group.cancelAll()
            return outcome
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
