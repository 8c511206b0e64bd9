import ChatCore
import Logging

/// Delivers replies to WeChat customer-service chats (`ChatCore.Messenger`). The typing indicator
/// lasts 15 s and cannot be renewed while active (protocols.md A.13), hence the interval; its
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

    public func deliver(_ reply: Reply, for message: InboundMessage) async throws {
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
}
