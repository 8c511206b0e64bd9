import Foundation

/// A conversation script (`heartline simulate --script conversation.yaml`): conversations of steps
/// played as platform users, each step with optional expectations. Format and example:
/// adapters/simulator/README.md, adapters/simulator/examples/.
public struct ConversationScript: Sendable {
    public struct Conversation: Sendable {
        public var name: String
        public var platform: SimPlatform
        public var user: String
        public var steps: [Step]
    }

    public enum Action: Sendable {
        case send(SendRequest)
        case redeliver
        case reorder(first: String, second: String)
        case fault(String, count: Int)
        case reset
    }

    public struct Step: Sendable {
        public var line: Int
        public var action: Action
        public var expect: Expectation?
    }

    public struct Expectation: Sendable {
        public var replied: Bool?
        public var tier: String?
        public var contains: [String] = []
        public var notContains: [String] = []
        public var maxLatencyMs: Int?
        public var exactlyOneReply: Bool?
        public var replies: Int?
    }

    public var conversations: [Conversation]
}

/// A malformed script: where and why.
public struct ScriptError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var reason: String

    public var description: String { "\(file):\(line): \(reason)" }
}

extension ConversationScript.Expectation {
    /// What does not hold for this exchange (empty: all good).
    public func mismatches(_ exchange: Exchange) -> [String] {
        var problems: [String] = []
        if let error = exchange.error, replied != false { problems.append("error: \(error)") }
        if let replied, replied != exchange.replied {
            problems.append(replied ? "expected a reply, got none" : "expected no reply, got \(exchange.replies.count)")
        }
        if let tier, exchange.tier != tier { problems.append("expected tier \(tier), got \(exchange.tier ?? "no reply")") }
        let text = exchange.replies.joined(separator: "\n")
        for needle in contains where !text.contains(needle) { problems.append("reply does not contain \"\(needle)\"") }
        for needle in notContains where text.contains(needle) { problems.append("reply contains \"\(needle)\"") }
        if let max = maxLatencyMs, exchange.latencyMs > max { problems.append("latency \(exchange.latencyMs) ms > \(max) ms") }
        if exactlyOneReply == true, exchange.replies.count != 1 { problems.append("expected exactly one reply, got \(exchange.replies.count)") }
        if let replies, exchange.replies.count != replies { problems.append("expected \(replies) replies, got \(exchange.replies.count)") }
        return problems
    }
}
