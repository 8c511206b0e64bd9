import Foundation

/// Settings of the safety layer (`safety.*` keys; the crisis cool-down is `safety.crisisCooldownHours`
/// in the pipeline settings).
public struct SafetySettings: Sendable, Equatable {
    public struct Alert: Sendable, Equatable {
        /// Telegram bot token and chat id for operator alerts (sendMessage).
        public var telegramToken: String?
        public var telegramChatID: String?
        public var telegramBaseURL = "https://api.telegram.org"
        /// Or a webhook that receives `{"event","user","channel","tier","reasons","at"}` as JSON.
        public var webhookURL: String?
        /// Sent as `Authorization: Bearer …` to the webhook.
        public var webhookToken: String?
        /// At most one alert per user within this time.
        public var minInterval: Duration = .seconds(1800)
        public var timeout: Duration = .seconds(10)

        public var isConfigured: Bool { (telegramToken != nil && telegramChatID != nil) || webhookURL != nil }
    }

    /// A remote moderation service as a second opinion beside the local detector
    /// (`safety.moderation.*`, docs/safety.md "Moderation second opinion"). Off by default; only
    /// with a remote model (`model.name`): the embedded retrieval model's answers are the
    /// project's own vetted text.
    public struct Moderation: Sendable, Equatable {
        public var enabled = false
        public var model = "omni-moderation-latest"
        /// The most one moderation call may add to a message (input and output each).
        public var budget: Duration = .milliseconds(1500)
        /// Where `/v1/moderations` is; nil: the remote model's `model.baseUrl` and `model.apiKey`.
        public var baseURL: String?
        /// Secret: never logged or printed.
        public var apiKey: String?
    }

    public var moderation = Moderation()
    /// Operator blocklist file: one phrase per line, re-read when it changes.
    public var blocklistPath: String?
    public var ratePerMinute = 10
    public var ratePerDay = 200
    /// The same message more than this many times in ten minutes is refused as spam.
    public var maxRepeats = 3
    /// Refuse insults aimed at the bot with a kind reply.
    public var refuseAbuse = true
    public var alert = Alert()

    public init() {}
}
