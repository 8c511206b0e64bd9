import ChatCore

/// The mini-program channel's messenger for a counsellor's messages and the handoff notices.
/// WeChat offers no way to push a message to the Q&A page, so the page fetches them: by the time
/// the desk delivers, the message is in the handoff store, and the page reads it from
/// `GET <prefix>/messages` on its next poll (MiniProgramRoutes+Messages.swift) on whichever
/// instance it reaches. Delivered therefore means "ready to be fetched"; no platform is called.
struct MiniProgramPickup: Messenger {
    func deliver(_ reply: Reply, for message: InboundMessage) async throws {}
}
