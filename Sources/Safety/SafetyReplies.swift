import ChatCore
import Foundation

/// Everything the safety layer says to a user, in Chinese and English. Fixed, vetted texts; never
/// built from an error or from the user's words.
public enum SafetyReplies {
    /// The generic crisis reply (a risk check with no more specific concept): acknowledgement,
    /// the direct question, every hotline for the language, 110/120, an invitation to keep talking.
    /// Replies to detected messages are composed by `SafetyResponder` from their concepts.
    public static func crisis(_ language: ReplyLanguage) -> String {
        SafetyResponder().crisis([], language: language).body
    }

    /// The resource line of a concern reply, kept apart from its body.
    public static func concernLine(_ language: ReplyLanguage) -> String {
        switch language {
        case .zh: "如果这些感受让你很辛苦，找人聊聊会有帮助：心理援助热线 12356 或 400-161-9995（24小时）；香港 18111，台湾 1925。"
        case .en: "If these feelings are weighing on you, talking to someone can help: US 988, UK/IE 116 123, mainland China 12356, Hong Kong 18111, Taiwan 1925."
        }
    }

    public static func rateLimited(_ language: ReplyLanguage, retryAfter: TimeInterval) -> String {
        let minutes = max(1, Int((retryAfter / 60).rounded(.up)))
        switch language {
        case .zh:
            return "你发得有点快，我需要一点时间跟上。请大约 \(minutes) 分钟后再发给我，我会认真看。如果你现在很难受，可以随时拨打心理援助热线 12356 或 400-161-9995；紧急情况请拨打 110 或 120。"
        case .en:
            return "You're sending messages faster than I can keep up with. Please write again in about \(minutes) minute\(minutes == 1 ? "" : "s") and I'll read it carefully. If you're struggling right now, you can call a crisis line any time: US 988, UK/IE 116 123, mainland China 12356."
        }
    }

    public static func blocked(_ language: ReplyLanguage, reason: String) -> String {
        switch (language, reason) {
        case (.zh, "abuse"):
            "我能感觉到你现在很生气。我愿意继续陪你聊，也希望我们能互相尊重地说话。如果有什么让你特别难受的事，可以慢慢告诉我。"
        case (.en, "abuse"):
            "I can tell you're really angry right now. I'm happy to keep talking, and I'd like us to keep it respectful. If something is hurting you, you can tell me about it."
        case (.zh, "spam"):
            "这条消息看起来像广告或重复内容，我就不回复了。如果你有想聊的困扰，直接用文字告诉我就好。"
        case (.en, "spam"):
            "This looks like an advertisement or a repeated message, so I won't answer it. If something is on your mind, just tell me in your own words."
        case (.zh, _):
            "抱歉，这条消息我不能回复。如果你有想聊的烦恼，可以换个方式告诉我。"
        case (.en, _):
            "Sorry, I can't respond to that message. If something is troubling you, feel free to put it another way."
        }
    }

    /// Shown instead of a model reply that failed the output check.
    public static func outputReplacement(_ language: ReplyLanguage) -> String {
        switch language {
        case .zh:
            "谢谢你说出来。这个问题我没办法给出合适的回答，但你的感受很重要。关于用药、诊断或身体安全的问题，请咨询医生或专业的心理咨询师。如果你现在很难受，可以拨打心理援助热线 12356 或 400-161-9995（24小时）；紧急情况请拨打 110 或 120。"
        case .en:
            "Thank you for sharing this. I can't give a good answer to this one, but what you're feeling matters. For questions about medication, diagnosis or physical safety, please talk with a doctor or a counsellor. If you're struggling right now, call a crisis line: US 988, UK/IE 116 123, mainland China 12356; in immediate danger call your local emergency number."
        }
    }
}
