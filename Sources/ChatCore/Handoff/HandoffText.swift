import Foundation

/// What a user reads about a handoff, in Chinese and English. Every text that could come while
/// the user may be in danger carries the emergency numbers.
public enum HandoffText {
    /// Sent once, when the handoff opens.
    public static func holding(_ language: ReplyLanguage) -> String {
        switch language {
        case .zh:
            "我已经请一位真人咨询师来陪你，咨询师会尽快在这里回复你。等待的时候，你可以继续把想说的发给我，咨询师都会看到。如果你现在就有危险，请马上拨打 110 或 120；也可以拨打" + HotlineDirectory.shortLine(for: .zh)
        case .en:
            "I've asked a human counsellor to join you; they will reply here soon. While you wait you can keep writing, and the counsellor will see it. If you are in danger right now, call your local emergency number (110 or 120 in China). Helplines: " + HotlineDirectory.shortLine(for: .en)
        }
    }

    /// No counsellor answered within `handoff.timeoutMinutes`: the bot answers again.
    public static func timedOut(_ language: ReplyLanguage) -> String {
        switch language {
        case .zh:
            "很抱歉，咨询师暂时没能回复你。我会先继续陪你聊，咨询师有空时也可能在这里回复你。如果你现在就有危险，请马上拨打 110 或 120，或拨打" + HotlineDirectory.shortLine(for: .zh)
        case .en:
            "I'm sorry, no counsellor has been able to reply yet. I'll keep talking with you in the meantime, and a counsellor may still reply here. If you are in danger right now, call your local emergency number. Helplines: " + HotlineDirectory.shortLine(for: .en)
        }
    }

    /// The counsellor closed the handoff.
    public static func closed(_ language: ReplyLanguage) -> String {
        switch language {
        case .zh:
            "咨询师已结束这次对话。接下来由我继续陪你聊；需要的话，随时可以发“转人工”再找咨询师。"
        case .en:
            "The counsellor has ended this conversation. I'm here to keep talking with you; write \"talk to a human\" any time to reach a counsellor again."
        }
    }

    /// A counsellor's message as the user reads it: marked, so it is not mistaken for the bot.
    public static func fromCounsellor(_ text: String, name: String, _ language: ReplyLanguage) -> String {
        switch language {
        case .zh: "【咨询师 \(name)】\(text)"
        case .en: "[Counsellor \(name)] \(text)"
        }
    }
}
