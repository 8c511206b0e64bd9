import Foundation

/// Plays a conversation script through a simulator and checks every expectation.
public struct ScriptRunner: Sendable {
    public struct Outcome: Sendable {
        public var steps = 0
        public var failures: [String] = []
        public var passed: Bool { failures.isEmpty }
    }

    public let simulator: any SimulatorDriving
    public let file: String

    public init(simulator: any SimulatorDriving, file: String) {
        self.simulator = simulator
        self.file = file
    }

    public func run(_ script: ConversationScript, print: @Sendable (String) -> Void) async -> Outcome {
        var outcome = Outcome()
        for conversation in script.conversations {
            print("▸ \(conversation.name) (\(conversation.platform.rawValue) as \(conversation.user))")
            for step in conversation.steps {
                outcome.steps += 1
                let where_ = "\(file):\(step.line)"
                let exchange: Exchange
                do {
                    switch step.action {
                    case .send(let request):
                        exchange = try await simulator.send(request)
                    case .redeliver:
                        exchange = try await simulator.redeliver(platform: conversation.platform, user: conversation.user)
                    case .reorder(let first, let second):
                        exchange = try await simulator.reorder(platform: conversation.platform, user: conversation.user, first: first, second: second)
                    case .reset:
                        exchange = try await simulator.reset(platform: conversation.platform, user: conversation.user)
                    case .fault(let name, let count):
                        let done = try await simulator.inject(FaultRequest(platform: conversation.platform, fault: name, count: count))
                        print("  ⚙ \(where_) fault: \(done)")
                        continue
                    }
                } catch {
                    let message = "\(where_): \(error)"
                    print("  ✗ \(message)")
                    outcome.failures.append(message)
                    continue
                }
                let problems = step.expect?.mismatches(exchange) ?? (exchange.error.map { ["error: \($0)"] } ?? [])
                let summary = Self.summary(exchange)
                if problems.isEmpty {
                    print("  ✓ \(where_) \(summary)")
                } else {
                    print("  ✗ \(where_) \(summary)")
                    for problem in problems {
                        print("      \(problem)")
                        outcome.failures.append("\(where_): \(problem)")
                    }
                }
            }
        }
        print(outcome.passed ? "all \(outcome.steps) steps passed" : "\(outcome.failures.count) expectation(s) failed in \(outcome.steps) steps")
        return outcome
    }

    static func summary(_ exchange: Exchange) -> String {
        let what = exchange.replies.isEmpty ? "no reply" : exchange.replies.count == 1 ? "1 reply" : "\(exchange.replies.count) replies"
        let tier = exchange.tier.map { " · tier \($0)" } ?? ""
        return "\(what)\(tier) · \(exchange.latencyMs) ms · \(exchange.deliveries.count) deliver\(exchange.deliveries.count == 1 ? "y" : "ies")"
    }
}
