import Foundation

/// Recognises a user asking for a person: "转人工", "找真人", "人工客服", "/human",
/// "talk to a human" and close variants. A short message only: a sentence that merely mentions a
/// person ("我和真人聊天会紧张", "人工智能会取代我吗") is not a request.
public enum HandoffRequest {
    /// Phrases that ask for a person, compared after folding (lower case, no spaces or
    /// punctuation, traditional characters mapped).
    static let phrases: [String] = [
        "转人工", "转接人工", "转真人", "人工客服", "人工服务", "人工咨询", "找人工", "要人工", "我要人工", "接人工",
        "找真人", "要真人", "真人客服", "真人咨询", "和真人聊", "跟真人聊", "跟真人说", "和真人说", "找个真人", "找个人工",
        "找咨询师", "转咨询师", "咨询师", "人工",
        "human", "talktoahuman", "speaktoahuman", "talktoaperson", "speaktoaperson", "realperson", "humanagent",
        "talktosomeone", "speaktosomeone", "humanplease", "livechat", "counsellor", "counselor",
    ]

    /// Words that look like a request but are not (人工智能 is AI, 人工流产 a medical term).
    static let exclusions: [String] = ["人工智能", "人工流产", "人工呼吸", "人工授精", "人造"]

    /// Phrases that count only alone or with a few polite words ("人工", "human please"), since
    /// inside a sentence they usually mention rather than ask ("我之前看过咨询师").
    static let bareOnly: Set<String> = ["人工", "咨询师", "human", "counsellor", "counselor"]

    /// Longer messages are conversation, not a request (counted after folding; English words
    /// take more letters for the same request).
    static let maxFoldedLength = 14
    static let maxFoldedLatinLength = 40

    public static func matches(_ text: String) -> Bool {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if isHumanCommand(trimmed) { return true }
        let folded = fold(trimmed)
        let limit = folded.unicodeScalars.allSatisfy(\.isASCII) ? maxFoldedLatinLength : maxFoldedLength
        guard !folded.isEmpty, folded.count <= limit else { return false }
        if exclusions.contains(where: folded.contains) { return false }
        // A bare "咨询师" or "人工" is a request; inside a longer text only the fuller phrases are.
        for phrase in phrases where folded.contains(phrase) {
            if bareOnly.contains(phrase) {
                if Self.bareRequest(folded, around: phrase) { return true }
                continue
            }
            return true
        }
        return false
    }

    /// `/human`, `/HUMAN`, `/human@mybot` (arguments ignored), like the other commands.
    static func isHumanCommand(_ text: String) -> Bool {
        guard text.hasPrefix("/") else { return false }
        var name = text.dropFirst().prefix { !$0.isWhitespace }.lowercased()
        if let at = name.firstIndex(of: "@") { name = String(name[..<at]) }
        return name == "human"
    }

    /// "人工" or "咨询师" alone, or with a few polite or wanting words around it.
    private static func bareRequest(_ folded: String, around phrase: String) -> Bool {
        var rest = folded.replacingOccurrences(of: phrase, with: "")
        for filler in ["我要", "我想", "请", "麻烦", "帮我", "给我", "找", "转", "要", "吧", "啊", "呢", "谢谢", "please", "a", "i", "want", "need", "一个", "个"] {
            rest = rest.replacingOccurrences(of: filler, with: "")
        }
        return rest.isEmpty
    }

    /// Lower case, traditional forms of the few characters the phrases use mapped to simplified,
    /// and only letters and digits kept.
    static func fold(_ text: String) -> String {
        let mapped = text.lowercased()
            .replacingOccurrences(of: "轉", with: "转")
            .replacingOccurrences(of: "詢", with: "询")
            .replacingOccurrences(of: "師", with: "师")
            .replacingOccurrences(of: "說", with: "说")
            .replacingOccurrences(of: "務", with: "务")
            .replacingOccurrences(of: "個", with: "个")
            .replacingOccurrences(of: "幫", with: "帮")
        return String(mapped.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
    }
}
