import ChatCore

extension ResponderText {
    static func chinese(_ piece: ResponderPiece) -> String {
        switch piece {
        case .acknowledge(let feeling): chinese(feeling)
        case .question(let question): chinese(question)
        case .meansSafety:
            "能先把刀、药或其他可能伤到自己的东西交给别人，或者放远一点吗？"
        case .woundCare:
            "如果现在身上有伤口，请先处理好；伤得重或者止不住血，请马上去医院或拨打 120。"
        case .emergency:
            "如果你已经伤害了自己，或觉得马上会有危险，请立刻拨打 120 或 110，或者请身边的人陪你去最近的医院。"
        case .hotlinesIntro:
            "请现在就联系一个能陪你说话的人，或拨打免费的心理援助热线（24小时有人接听）："
        case .invitation:
            "我还在这里，你愿意的话可以继续跟我说。"
        case .callNow:
            "请现在就拨打 120（或 110）。如果你已经吃了什么或伤到了自己，不要等，马上打电话，或者叫身边的人送你去最近的医院。"
        case .helperScript:
            """
            如果你担心对方现在有危险，请这样做：
            1. 现在就拨打 110；如果对方可能已经受伤或吃了什么，同时拨打 120。告诉他们对方是谁、可能在哪里，以及你看到的内容。
            2. 联系离对方最近的人——家人、室友、邻居、同学或同事——请他们马上去看看对方。
            3. 继续尝试联系对方：打电话、发消息，告诉对方你在乎他/她、正在找他/她。
            4. 找到对方以后，不要让他/她一个人待着，陪着对方，直到有专业的人来帮忙。
            """
        case .whereaboutsQuestion:
            "你知道对方现在大概在哪里，或者谁离对方最近吗？"
        case .helperHotlines:
            "心理援助热线也可以告诉你怎么帮对方（24小时有人接听）："
        case .stepAway:
            "如果你觉得自己可能马上会伤害别人（包括身边的孩子），请先让对方和一个可靠的人待在一起，自己离开那里，把可能伤人的东西放远一点；控制不住的时候，请拨打 110；有人受伤，请拨打 120。"
        case .reachSomeoneNow:
            "你现在的安全是最重要的。请现在就拨打心理援助热线，或者拨打 120 或 110；如果身边有人，请告诉他们你现在的状况，请他们陪着你，今晚不要一个人待着。"
        case .companyQuestion:
            "你现在身边有可以陪着你的人吗？"
        case .leaveQuestion:
            "你现在能先离开那里，让自己冷静一下吗？"
        case .copingQuestion:
            "这段时间你是怎么撑过来的？身边有没有可以说说话的人？"
        case .concernInvitation:
            "愿意的话，可以跟我多说一点发生了什么，我在听。"
        }
    }

    private static func chinese(_ feeling: ResponderPiece.Feeling) -> String {
        switch feeling {
        case .pain:
            "谢谢你愿意告诉我这些。听起来你现在真的很痛苦，这种痛苦是真实的，也值得被认真对待。你不需要一个人扛着。"
        case .passiveWish:
            "谢谢你告诉我。希望睡着了就不要再醒来、希望一切就这样停下来——会有这样的念头，说明你已经累到了极点。这份痛苦是真实的，你不需要一个人扛着。"
        case .burden:
            "谢谢你告诉我。觉得自己是家人或身边人的负担，是一种很沉重、也很孤单的感受。这样的想法常常是痛苦在说话，它不是全部的事实。"
        case .belonging:
            "谢谢你告诉我。觉得没有人在乎、好像自己怎么样都不会有人注意到，这种孤单真的很难熬。至少此刻，我在认真听你说。"
        case .methodQuestion:
            "这个问题我不能回答，但我很在意你现在的状态。"
        case .plan:
            "谢谢你告诉我。听起来你已经想得很具体了，我很担心你现在的安全。"
        case .preparation:
            "谢谢你告诉我。你说的这些，听起来像是在交代和告别，这让我很担心你。如果你正在这样想，你不需要一个人面对。"
        case .means:
            "谢谢你告诉我。把可能伤到自己的东西留在身边，说明你现在承受着很大的痛苦，我很担心你的安全。"
        case .selfHarm:
            "谢谢你愿意说出来。伤害自己往往是在用身体扛住心里太重的痛，这不是你的错，你也值得被好好照顾。"
        case .treatment:
            "谢谢你告诉我。治疗走到让人想放弃的地步，一定已经非常累、非常失望了。这些感受值得被认真对待，也可以告诉你的医生。"
        case .attempt:
            "你愿意告诉我，说明你心里还有一部分想要被帮助。我很在意你，现在最重要的是你的安全。"
        case .harmToOthers:
            "谢谢你告诉我。想要伤害别人，通常意味着心里积压了非常强烈的愤怒或痛苦，这些感受值得被认真对待。"
        case .thirdPerson:
            "谢谢你告诉我。你注意到了这些、想要帮对方，这非常重要。"
        case .hopelessness:
            "听起来你现在真的很累，好像看不到希望。能把这些说出来，已经很不容易了。"
        case .distress:
            "听起来你最近承受了很多，这些感受是真实的，也值得被好好照顾。"
        case .confirmed:
            "谢谢你如实告诉我，说出来需要很大的勇气。我很在意你现在的安全。"
        case .answeredNo:
            "谢谢你告诉我，我明白了。即使没有这样的念头，你现在的感受也一样重要。"
        case .answeredNoAnger:
            "谢谢你告诉我，我明白了。那些让你这么生气的事，一样值得好好说一说。"
        }
    }

    private static func chinese(_ question: SafetyQuestion) -> String {
        switch question {
        case .suicidalThoughts: "你现在有想过结束自己的生命吗？"
        case .methodIntent: "你问这个，是在考虑伤害自己吗？"
        case .plan: "你有没有想过具体要怎么做，或者已经开始做准备了？"
        case .intent: "你现在是打算结束自己的生命吗？"
        case .injured: "你已经伤到自己，或者吃下了什么吗？"
        case .harmOthers: "你现在是真的打算去伤害对方吗？"
        case .screening: "有时候人难受到这个地步，会冒出不想活下去的念头。你有过这样的想法吗？"
        }
    }
}
