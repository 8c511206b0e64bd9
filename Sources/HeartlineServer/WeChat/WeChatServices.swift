import AsyncHTTPClient
import ChatCore
import Foundation
import Logging
import WeChatAdapter

/// Everything the WeChat routes and the customer-service messenger need, built once from settings
/// over the process's shared `HTTPClient`. Tests build it the same way, pointed at a fake API.
public struct WeChatServices: Sendable {
    public var appID: String
    public var verifier: WeChatPushVerifier
    public var mapper: WeChatMessageMapper
    public var tokens: AccessTokenCache
    /// Token-authenticated calls (customer service, content check).
    public var api: WeChatAPIClient
    public var customerService: CustomerServiceClient
    public var messenger: WeChatMessenger
    public var login: any MiniProgramLoginProvider
    /// nil when `wechat.contentCheck` is off.
    public var contentCheck: (any ContentChecking)?

    public init(
        appID: String, verifier: WeChatPushVerifier, api: WeChatAPIClient, customerService: CustomerServiceClient,
        messenger: WeChatMessenger, login: any MiniProgramLoginProvider, contentCheck: (any ContentChecking)?
    ) {
        self.appID = appID
        self.verifier = verifier
        self.mapper = WeChatMessageMapper(appID: appID)
        self.tokens = api.tokens
        self.api = api
        self.customerService = customerService
        self.messenger = messenger
        self.login = login
        self.contentCheck = contentCheck
    }

    /// Builds the live services; nil when the channel is disabled. Settings were validated by the
    /// loader, so failures here are programming errors surfaced as `SettingsError`.
    public static func live(settings: HeartlineSettings.WeChat, httpClient: HTTPClient, logger: Logger) throws -> WeChatServices? {
        guard settings.isEnabled else { return nil }
        guard let appID = settings.appID, let token = settings.token, let secret = settings.appSecret else {
            throw SettingsError(problems: ["wechat: appId, appSecret and token are required"])
        }
        let cipher: WeChatCipher?
        do {
            cipher = try settings.encodingAESKey.map { key throws(WeChatCryptoError) in try WeChatCipher(encodingAESKey: key, appID: appID) }
        } catch {
            throw SettingsError(problems: ["wechat.encodingAesKey: invalid"])
        }
        let verifier = WeChatPushVerifier(configuration: .init(
            token: token, cipher: cipher, mode: settings.effectiveMode, timestampWindowSeconds: Int64(settings.timestampWindowSeconds)
        ))
        let api = WeChatAPIConfiguration(
            appID: appID, appSecret: secret, baseURL: settings.apiBaseURL, tokenAPI: settings.tokenAPI,
            customerServicePath: settings.customerServicePath, typingPath: settings.typingPath, requestTimeout: settings.apiTimeout
        )
        let http = WeChatHTTP(client: httpClient, configuration: api)
        let tokens = AccessTokenCache(source: WeChatTokenFetcher(http: http))
        let client = WeChatAPIClient(http: http, tokens: tokens)
        var options = CustomerServiceClient.Options()
        options.splitBytes = settings.splitBytes
        options.maxChunks = settings.maxChunks
        let customerService = CustomerServiceClient(api: client, options: options, logger: logger.with(label: "heartline.wechat.cs"))
        return WeChatServices(
            appID: appID,
            verifier: verifier,
            api: client,
            customerService: customerService,
            messenger: WeChatMessenger(client: customerService, typingEnabled: settings.typing, logger: logger.with(label: "heartline.wechat.messenger")),
            login: MiniProgramLoginClient(http: http),
            contentCheck: settings.contentCheck ? ContentSecurityClient(api: client) : nil
        )
    }
}
