import Foundation

/// What reached a simulated user's chat without being a reply to something the simulator sent:
/// a counsellor's message in a handoff, or its notices (docs/handoff.md). The page asks for the
/// messages past the `total` of its last exchange, so nothing is shown twice.
public struct UnaskedMessages: Sendable, Codable, Equatable {
    public var messages: [String]
    public var total: Int

    public init(messages: [String], total: Int) {
        self.messages = messages
        self.total = total
    }
}

extension SimulatorEngine {
    /// The chat's messages from index `after` on (none when `after` is nil: the page only learns
    /// the total). The mini program's page receives nothing unasked.
    public func messages(platform: SimPlatform, user: String, after: Int?) -> UnaskedMessages {
        let texts: [String]
        switch platform {
        case .telegram: texts = self.platform.telegramTexts(chat: TelegramDriver.userID(user))
        case .wechat: texts = self.platform.wechatTexts(openID: WeChatDriver.openID(user))
        case .miniprogram: texts = []
        }
        guard let after else { return UnaskedMessages(messages: [], total: texts.count) }
        return UnaskedMessages(messages: Array(texts.dropFirst(max(0, after))), total: texts.count)
    }
}
