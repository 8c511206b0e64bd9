import Foundation

/// Every fixed text a user can read, in Chinese and English. What users read comes from here,
/// never from an error's description.
public enum FixedReply: Sendable, Equatable {
    case welcome
    case help
    case resetDone
    case forgetDone
    case unknownCommand
    case emptyInput
    case tooLong(limit: Int)
    case textOnly
    case editedIgnored
    case greeting
    /// All models failed or timed out.
    case fallback
    /// The safety layer failed: a holding reply with hotlines.
    case holding
    /// The service is overloaded (back-pressure).
    case busy
    case disclaimer
    case storageTrouble
    case forgetFailed
}

public enum ReplyCatalog {
    public static func text(_ reply: FixedReply, _ language: ReplyLanguage) -> String {
        switch language {
        case .zh: zh(reply)
        case .en: en(reply)
        }
    }

    private static func zh(_ reply: FixedReply) -> String {
        switch reply {
        case .welcome:
            "你好，我是 Heartline，一个心理支持问答助手。你可以把最近的烦恼、压力或困惑告诉我，我会尽量给你一些温和、实用的建议。\n\n命令：/help 帮助，/reset 清空本次对话，/forget 删除我保存的关于你的所有内容。"
        case .help:
            "直接发文字告诉我你的困扰就好，比如“最近总是失眠”“和父母吵架了”。\n/reset 清空对话上下文\n/forget 删除我保存的你的全部内容\n我不是医疗服务，不能做诊断；情况紧急请拨打 110 或 120。"
        case .resetDone:
            "好的，我们重新开始。之前的对话内容已经清空。"
        case .forgetDone:
            "已删除我保存的关于你的全部对话内容。如果需要，随时可以重新开始。"
        case .unknownCommand:
            "我不认识这个命令。可以用 /help 查看能做什么，或者直接用文字告诉我你的困扰。"
        case .emptyInput:
            "好像没有收到文字内容。想聊什么，直接打字告诉我就好。"
        case .tooLong(let limit):
            "这条消息有点长，我一次最多能读 \(limit) 个字。可以挑最困扰你的部分先说，我们一点一点来。"
        case .textOnly:
            "抱歉，我目前只能看懂文字消息。可以用文字描述一下你想聊的事情吗？"
        case .editedIgnored:
            "我看到你修改了消息，不过我只回复新发送的消息。需要的话可以重新发一条。"
        case .greeting:
            "你好，欢迎来到这里。有什么想说的，都可以慢慢告诉我。"
        case .fallback:
            "谢谢你愿意说出来。我现在没能组织好回答，但你的感受很重要。可以先深呼吸几次，稍后再发一次消息给我；如果困扰持续，也可以联系专业的心理咨询师聊一聊。"
        case .holding:
            "谢谢你告诉我这些，你不是一个人在面对。如果你现在感到很难受或有危险，请马上联系身边信任的人，或拨打心理援助热线 12356、400-161-9995（24小时）；香港 18111，台湾 1925；紧急情况请拨打 110 或 120。"
        case .busy:
            "现在找我聊天的人有点多，请稍等一会儿再发一次。"
        case .disclaimer:
            "温馨提示：我是自动回复的心理支持助手，不是医疗服务，不能代替专业诊断或治疗。遇到紧急情况请拨打 110 或 120。"
        case .storageTrouble:
            "抱歉，我这边暂时出了点问题，这次的对话可能没有被记住。你可以继续说，我会尽量回应。"
        case .forgetFailed:
            "抱歉，删除时出了问题，你的内容还没有被完全删除。请稍后再发送一次 /forget。"
        }
    }

    private static func en(_ reply: FixedReply) -> String {
        switch reply {
        case .welcome:
            "Hi, I'm Heartline, a psychological-support Q&A assistant. Tell me what has been weighing on you and I'll try to offer some gentle, practical ideas.\n\nCommands: /help, /reset to clear this conversation, /forget to delete everything I have stored about you."
        case .help:
            "Just write what's on your mind, for example \"I can't sleep lately\" or \"I keep arguing with my parents\".\n/reset clears the conversation context\n/forget deletes everything I have stored about you\nI am not a medical service and cannot diagnose; in an emergency call your local emergency number."
        case .resetDone:
            "Okay, let's start fresh. The earlier conversation has been cleared."
        case .forgetDone:
            "Everything I had stored about our conversations has been deleted. You can start again any time."
        case .unknownCommand:
            "I don't know that command. Try /help, or just tell me in your own words what's bothering you."
        case .emptyInput:
            "I didn't receive any text. Whenever you're ready, just type what's on your mind."
        case .tooLong(let limit):
            "That message is a bit long for me: I can read up to \(limit) characters at a time. Could you start with the part that troubles you most?"
        case .textOnly:
            "Sorry, I can only read text messages for now. Could you describe in words what you'd like to talk about?"
        case .editedIgnored:
            "I noticed you edited a message, but I only reply to new messages. Feel free to send it again."
        case .greeting:
            "Hi, welcome. Whatever is on your mind, take your time and tell me."
        case .fallback:
            "Thank you for sharing this. I couldn't put together a good answer just now, but what you feel matters. Take a few slow breaths and try sending your message again in a moment; if this keeps troubling you, talking with a counsellor can really help."
        case .holding:
            "Thank you for telling me. You don't have to face this alone. If you feel very distressed or unsafe right now, please reach out to someone you trust, or call a crisis line: US 988, UK/IE 116 123, mainland China 12356, Hong Kong 18111, Taiwan 1925. In immediate danger, call your local emergency number."
        case .busy:
            "A lot of people are talking to me right now. Please wait a moment and send your message again."
        case .disclaimer:
            "Note: I'm an automated support assistant, not a medical service, and I can't replace professional diagnosis or treatment. In an emergency call your local emergency number (110/120 in China)."
        case .storageTrouble:
            "Sorry, something went wrong on my side and this conversation may not be remembered. You can keep talking and I'll do my best to respond."
        case .forgetFailed:
            "Sorry, something went wrong while deleting, and your data has not been fully removed yet. Please send /forget again in a moment."
        }
    }
}
