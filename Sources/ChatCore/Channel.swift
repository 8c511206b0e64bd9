import Foundation

/// The platform a message arrived on. The pipeline treats all channels alike; adapters and
/// messengers use the channel to route replies back.
public enum ChatChannel: String, Sendable, Codable, CaseIterable, Hashable {
    /// The local HTTP channel (`POST /v1/local/messages`), used by the simulator, tests and `ask`.
    case local
    case telegram
    /// WeChat mini-program customer-service messages (message push).
    case wechat
    /// The mini-program page's own HTTPS Q&A API.
    case miniprogram
}
