/// The channel an HTTP request belongs to, derived from its path and the configured route paths.
/// A fixed set, so it is safe as a metrics label whatever paths clients try.
public enum HTTPChannel: String, Sendable, CaseIterable {
    case local, telegram, wechat, miniprogram, health, metrics, other

    /// Classifies paths against the routes this application serves.
    public struct Classifier: Sendable {
        var telegramPath: String?
        var wechatPushPath: String?
        var miniProgramPrefix: String?

        public init(telegramPath: String? = nil, wechatPushPath: String? = nil, miniProgramPrefix: String? = nil) {
            self.telegramPath = telegramPath
            self.wechatPushPath = wechatPushPath
            self.miniProgramPrefix = miniProgramPrefix
        }

        public func channel(forPath path: String) -> HTTPChannel {
            switch path {
            case "/healthz", "/readyz": return .health
            case "/metrics": return .metrics
            default: break
            }
            if path == "/v1/local/messages" || path.hasPrefix("/v1/local/") { return .local }
            if let telegramPath, Self.matches(path, telegramPath) { return .telegram }
            if let wechatPushPath, path == wechatPushPath { return .wechat }
            if let miniProgramPrefix, Self.matches(path, miniProgramPrefix) { return .miniprogram }
            return .other
        }

        /// `path` is `base` or below it (`/telegram/webhook/<bot>`).
        static func matches(_ path: String, _ base: String) -> Bool {
            path == base || (path.hasPrefix(base) && path.utf8.dropFirst(base.utf8.count).first == UInt8(ascii: "/"))
        }
    }
}
