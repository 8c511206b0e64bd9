import Foundation

/// How the pipeline hands conversations to counsellors (`handoff.*` settings).
public struct HandoffConfiguration: Sendable, Equatable {
    /// Off: no handoff opens and the matcher is not consulted (no counsellor could answer).
    public var enabled: Bool
    /// Open a handoff when the safety layer sees a crisis.
    public var onCrisis: Bool
    /// With no counsellor reply for this long, the bot says so and answers again.
    public var timeout: Duration
    /// Channels a counsellor's message can reach: pushed to Telegram, WeChat and the local outbox,
    /// fetched by the mini-program page from its poll endpoint (docs/handoff.md).
    public var channels: Set<ChatChannel>

    public init(
        enabled: Bool = false, onCrisis: Bool = true, timeout: Duration = .seconds(600),
        channels: Set<ChatChannel> = [.local, .telegram, .wechat, .miniprogram]
    ) {
        self.enabled = enabled
        self.onCrisis = onCrisis
        self.timeout = timeout
        self.channels = channels
    }
}
