import ChatCore
import Foundation

/// What an operator is told about a crisis. It carries the keyed hash of the user, the channel,
/// the tier and the reason families — never the message text.
public struct CrisisAlert: Sendable, Codable, Equatable {
    public var event: String
    public var user: String
    public var channel: String
    public var tier: String
    public var reasons: [String]
    public var at: Date

    public init(_ event: CrisisEvent) {
        self.event = "crisis"
        self.user = event.userHash.value
        self.channel = event.channel.rawValue
        self.tier = event.tier.rawValue
        self.reasons = event.reasons
        self.at = event.at
    }

    /// A short human-readable line for chat alerts (Telegram).
    public var summary: String {
        let time = ISO8601DateFormatter().string(from: at)
        return "Heartline crisis alert\nuser: \(String(user.prefix(16)))\nchannel: \(channel)\ntier: \(tier)\nreasons: \(reasons.joined(separator: ", "))\nat: \(time)"
    }
}

/// Where operator alerts go (a Telegram chat, a webhook). Implemented at the edge, in
/// HeartlineServer, with the process's HTTP client.
public protocol AlertSink: Sendable {
    func send(_ alert: CrisisAlert) async throws
}
