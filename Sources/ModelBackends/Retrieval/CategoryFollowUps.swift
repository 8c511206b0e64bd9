import ChatCore

/// Follow-up questions by category, for intents that have none of their own (the pseudo-intents of
/// an operator's corpus). Each asks one specific thing about the likely topic — not the menu.
public enum CategoryFollowUps {
    static let chinese: [String: String] = [
        "学业与未来规划": "听起来和学业或前途有关。是考试快到了很紧张，还是成绩、专业、方向上的事在困扰你？",
        "工作与职场": "听起来和工作有关。是工作本身太累、和领导同事相处，还是在找工作或担心前途？",
        "家庭问题与矛盾": "听起来和家里的事有关。最让你难受的是和哪位家人之间的事，最近发生了什么？",
        "物质滥用与成瘾": "听起来你想改掉一个停不下来的习惯。是手机、游戏、喝酒、抽烟，还是别的？一般在什么时候最难控制？",
        "悲恸与丧失": "听起来你失去了很重要的人或陪伴。愿意说说是谁、大概是什么时候的事吗？",
        "失眠": "听起来睡眠不太好。是晚上躺下很久睡不着，还是很早就醒、醒了再睡不着？",
        "压力": "听起来压力不小。主要是哪方面的事压着你，最近身体上有没有跟着不舒服？",
        "人际关系": "听起来和身边的人有关。是朋友、同学室友，还是同事之间的事？发生了什么？",
        "情感关系": "听起来和感情有关。你们现在是在一起，还是刚分开？最近最让你难受的是哪件事？",
        "离婚": "听起来和离婚有关。是正在考虑要不要离，还是已经离了、在适应之后的生活？",
        "分手": "听起来和分手有关。是刚分开不久，还是分开一段时间了仍然放不下？",
        "自我探索": "听起来你在想关于自己的问题。是不知道自己想要什么，还是对自己的性格或状态有疑问？",
        "低自尊": "听起来你对自己不太满意。是在哪些时候最容易觉得自己不够好？",
        "青春期": "听起来是成长中遇到的事。是在学校里、和家里人，还是身体和心情上的变化让你困扰？",
        "强迫": "听起来有些念头或动作停不下来。是反复检查、反复清洗，还是脑子里总冒出不想要的念头？",
        "其它": "我想确认一下我理解得对：这件事从什么时候开始的？最让你困扰的是哪一部分？",
        "LGBT": "听起来和性取向或身份有关。是自己还在接纳的过程中，还是在想要不要、怎么告诉家里人？",
        "性": "听起来和亲密关系里的身体或性有关。是担心自己的身体状况，还是和伴侣之间的节奏不一样？",
        "亲子关系": "听起来和孩子有关。孩子多大了？最近最让你头疼的是哪件事？",
    ]

    /// The follow-up for a category, or a specific question about what happened when the category
    /// is unknown.
    public static func text(for category: String?, language: ReplyLanguage) -> String {
        switch language {
        case .zh:
            return category.flatMap { chinese[$0] } ?? "我想确认一下我理解得对：能具体说说发生了什么、从什么时候开始的吗？"
        case .en:
            return "I want to make sure I understand. Could you tell me a bit more about what happened and when it started?"
        }
    }
}
