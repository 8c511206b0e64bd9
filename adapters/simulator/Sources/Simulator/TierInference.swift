import ChatCore
import Safety

/// Telegram and WeChat users see only text, and Heartline tells the platforms nothing else, so the
/// simulator reads the tier off the reply the way a careful reader would: the crisis template is the
/// only reply that lists every hotline; the concern line is a fixed sentence. (The mini-program API
/// and the local channel report the server's own tier.)
public enum TierInference {
    public static func tier(of replies: [String]) -> SafetyTier? {
        guard !replies.isEmpty else { return nil }
        let text = replies.joined(separator: "\n")
        if HotlineDirectory.all.allSatisfy({ text.contains($0.number) }) { return .crisis }
        for language in [ReplyLanguage.zh, .en] where text.contains(SafetyReplies.concernLine(language)) {
            return .concern
        }
        return SafetyTier.none
    }
}
