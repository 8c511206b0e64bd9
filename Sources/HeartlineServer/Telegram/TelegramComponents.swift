import AsyncHTTPClient
import ChatCore
import Foundation
import Logging
import Synchronization
import TelegramAdapter

/// Who the bot is right now: its id from the token, its username from settings or `getMe`.
public final class TelegramBotProfile: Sendable {
    private let identity: Mutex<TelegramBotIdentity>

    public init(_ identity: TelegramBotIdentity) {
        self.identity = Mutex(identity)
    }

    public var current: TelegramBotIdentity { identity.withLock { $0 } }

    func learn(username: String) {
        identity.withLock { $0 = TelegramBotIdentity(id: $0.id, username: username) }
    }
}

/// Everything the Telegram channel is made of, built once from settings and shared by the
/// webhook route, the poller, the startup checks and the workers' messenger.
public struct TelegramComponents: Sendable {
    public var settings: TelegramSettings
    public var api: TelegramBotAPI
    public var profile: TelegramBotProfile
    public var chats: any TelegramChatRegistry
    public var offsets: any TelegramOffsetStore
    public var messenger: TelegramMessenger

    public init(
        settings: TelegramSettings, api: TelegramBotAPI, profile: TelegramBotProfile, chats: any TelegramChatRegistry,
        offsets: any TelegramOffsetStore, messenger: TelegramMessenger
    ) {
        self.settings = settings
        self.api = api
        self.profile = profile
        self.chats = chats
        self.offsets = offsets
        self.messenger = messenger
    }

    /// The real components: Bot API client on the shared `HTTPClient`, chat state and offset in
    /// `<data>/telegram/`. Nil when the channel is off. `sleep` is injectable so that tests can
    /// shorten `retry_after` waits.
    public static func live(
        settings: TelegramSettings, dataDirectory: String, httpClient: HTTPClient, hasher: any UserKeyHasher, logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) throws -> TelegramComponents? {
        guard settings.isEnabled, let token = settings.token else { return nil }
        let api = TelegramBotAPI(
            httpClient: httpClient,
            configuration: .init(baseURL: settings.apiBaseURL, token: token, callTimeout: settings.callTimeout),
            logger: logger.with(label: "heartline.telegram.api"),
            sleep: sleep
        )
        let directory = dataDirectory + "/telegram"
        let botKey = String(token.botID)
        let chats = try TelegramChatStateFile(directory: directory, botKey: botKey, hasher: hasher, logger: logger.with(label: "heartline.telegram"))
        let messenger = TelegramMessenger(
            api: api,
            formatter: TelegramFormatter(parseMode: settings.parseMode),
            pacer: TelegramPacer(limits: settings.pacing),
            chats: chats,
            options: .init(typingInterval: settings.typingInterval, typingDelay: settings.typingDelay),
            logger: logger.with(label: "heartline.telegram.delivery"),
            now: now,
            sleep: sleep
        )
        return TelegramComponents(
            settings: settings,
            api: api,
            profile: TelegramBotProfile(TelegramBotIdentity(id: token.botID, username: settings.username)),
            chats: chats,
            offsets: TelegramOffsetFile(directory: directory, botKey: botKey),
            messenger: messenger
        )
    }
}
