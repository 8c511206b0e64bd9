import ChatCore
import Logging

/// Delivers replies to WeChat customer-service chats (`ChatCore.Messenger`). The typing indicator
/// lasts 15 s and cannot be renewed while active (docs/protocols.md A.13), hence the interval; its
/// failures (45080 no recent interaction, 45081 already typing) are ignored.
public struct WeChatMessenger: Messenger {
    let client: CustomerServiceClient
    let formatter: WeChatReplyFormatter
    let typingEnabled: Bool
    let logger: Logger

    public init(client: CustomerServiceClient, typingEnabled: Bool = true, logger: Logger = Logger(label: "heartline.wechat.messenger")) {
        self.client = client
        self.formatter = WeChatReplyFormatter(splitBytes: client.options.splitBytes, maxChunks: client.options.maxChunks)
        self.typingEnabled = typingEnabled
        self.logger = logger
    }

    /// The contact button's `session-from` on the bundled Q&A page (adapters/wechat-miniprogram/README.md §1).
    public static let questionPageSource = "heartline-qa-page"

    public func deliver(_ reply: Reply, for message: InboundMessage) async throws {
        var reply = reply
        if message.kind == .greeting, let source = message.routing[WeChatMessageMapper.sessionFromKey] {
            logger.info("customer-service session opened", metadata: ["wechat.session_from": "\(source)"])
            // Someone who comes over from the Q&A page is greeted as a continuation, not a stranger.
            if source == Self.questionPageSource, !reply.body.isEmpty {
                reply.body = Self.fromQuestionPage(ReplyLanguage(text: reply.body, languageTag: nil)) + reply.body
            }
        }
        let pieces = formatter.pieces(for: reply)
        guard !pieces.isEmpty else { return }
        try await client.send(pieces, to: message.chatKey)
    }

    public func indicateTyping(for message: InboundMessage) async {
        do {
            try await client.typing(message.chatKey)
        } catch {
            logger.debug("typing indicator not shown", metadata: ["wechat.error": "\(error.logDescription)"])
        }
    }

    public var typingInterval: Duration? { typingEnabled ? .seconds(15) : nil }

    static func fromQuestionPage(_ language: ReplyLanguage) -> String {
        switch language {
        case .zh: "欢迎从问答页面过来，这里可以接着慢慢聊。"
        case .en: "Welcome over from the Q&A page; we can keep talking here. "
        }
    }
}
