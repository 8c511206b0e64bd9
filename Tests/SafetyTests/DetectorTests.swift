import ChatCore
import Testing
@testable import Safety

/// Every pattern family, with positives and the hard negatives that defeat keyword lists.
@Suite struct DetectorTests {
    let detector = TestLexicon.detector

    func tier(_ text: String, recent: [String] = []) -> SafetyTier { detector.detect(text, recent: recent).tier }

    @Test(arguments: [
        "我真的想自杀", "我不想活了", "活不下去了", "好想死", "死了算了", "我决定结束自己的生命",
    ])
    func intentIsCrisis(_ text: String) { #expect(tier(text) == .crisis) }

    @Test(arguments: ["我想结束这一切", "好想永远睡过去", "想去另一个世界", "我只想一睡不醒"])
    func euphemismsAreCrisis(_ text: String) { #expect(tier(text) == .crisis) }

    @Test(arguments: ["我想跳楼", "打算今晚去跳河", "吃多少片安眠药会死", "怎么自杀不痛苦", "遗书写好了", "药已经攒够了"])
    func planMethodAndPreparationAreCrisis(_ text: String) { #expect(tier(text) == .crisis) }

    @Test(arguments: ["我昨天自杀未遂", "吃了一整瓶药没死成", "我又自残了", "控制不住想割自己", "I keep cutting myself"])
    func attemptsAndSelfHarmAreCrisis(_ text: String) { #expect(tier(text) == .crisis) }

    @Test(arguments: ["我真想杀了他", "你们全家死光吧", "我爸喝醉了就打我", "妈妈让我去死", "I want to kill him"])
    func harmToOthersAndAbuseReceivedAreCrisis(_ text: String) { #expect(tier(text) == .crisis) }

    @Test(arguments: [
        "笑死我了", "饿死了", "社死了", "好久不见想死你了", "累死了", "这个bug杀死我了", "kill -9 1234", "双十一跳楼价",
        "游乐园的跳楼机", "又被割韭菜了", "狼人杀里我第一晚自刀了", "新闻里的自杀式袭击", "抑郁症有哪些症状", "紫砂壶怎么开壶",
        "this traffic is killing me", "that cake is to die for", "we watched Suicide Squad", "my phone died",
    ])
    func hardNegativesAreNotCrisis(_ text: String) { #expect(tier(text) != .crisis) }

    @Test(arguments: ["我从来没有想过自杀", "我不会自杀的", "别担心，我不会伤害自己", "I'm not going to kill myself", "I don't want to die"])
    func negationCancels(_ text: String) { #expect(tier(text) != .crisis) }

    @Test func negationDoesNotReachPastAnotherVerb() {
        #expect(tier("我不想上学想自杀") == .crisis)
        #expect(tier("不知道为什么就是想死") == .crisis)
        #expect(tier("i don't know why i want to die") == .crisis)
    }

    @Test(arguments: ["新闻说有个学生跳楼了", "电影里的男主角最后自杀了", "I read a novel where the character kills herself"])
    func reportedSpeechIsAConcernNotACrisis(_ text: String) { #expect(tier(text) == .concern) }

    @Test func thirdPartyIsCrisisOnlyWhenImmediate() {
        #expect(tier("我朋友说今晚要跳楼") == .crisis)
        #expect(tier("my brother is on the roof right now and says he will jump") == .crisis)
        #expect(detector.detect("我朋友说今晚要跳楼", recent: []).reasons.contains("third_party"))
        #expect(tier("我朋友以前说过她想自杀，我该怎么帮她") == .concern)
    }

    @Test(arguments: ["想紫砂", "我要zs了", "好想自鲨", "4了算了", "想 死", "自.杀", "自*杀", "不 想 活 了", "i want to k1ll mys3lf", "s u i c i d e"])
    func slangAndObfuscationAreCaught(_ text: String) { #expect(tier(text) == .crisis) }

    @Test func zsOnlyAsAWord() {
        #expect(tier("zsh 的配置文件在哪") == .none)
    }

    @Test(arguments: ["我想自殺", "好想輕生", "我又自殘了", "我覺得死了算了"])
    func traditionalCharactersAreCaught(_ text: String) { #expect(tier(text) == .crisis) }

    @Test(arguments: ["I want to kill myself", "i don't want to live anymore", "kms", "i wish i was dead", "真的好累 i want to die", "我想 kill myself"])
    func englishAndMixedAreCaught(_ text: String) { #expect(tier(text) == .crisis) }

    @Test(arguments: ["我想🔪自己", "💊💊💊 都攒够了", "想死😭😭"])
    func emojiAreRead(_ text: String) { #expect(tier(text) == .crisis) }

    @Test func riskBuriedInALongMessageIsFound() {
        let filler = String(repeating: "今天上班很忙，开了很多会，路上也堵车。", count: 40)
        #expect(tier(filler + "其实我已经偷偷攒了一瓶安眠药。" + filler) == .crisis)
        #expect(tier(filler + filler) == .none)
    }

    @Test(arguments: ["最近很绝望，看不到希望", "活着没意思", "我觉得自己一无是处", "I feel hopeless"])
    func hopelessnessIsConcern(_ text: String) { #expect(tier(text) == .concern) }

    @Test(arguments: ["最近总是失眠怎么办", "和父母吵架了", "how do I deal with stress"])
    func everydayTroublesAreNone(_ text: String) { #expect(tier(text) == .none) }

    @Test func planSplitAcrossTurnsIsCrisis() {
        #expect(tier("今晚就全吃了") != .crisis)
        let detection = detector.detect("今晚就全吃了", recent: ["家里有一整瓶安眠药", "我真的太累了"])
        #expect(detection.tier == .crisis)
        #expect(detection.reasons.first == "escalation.context")
    }

    @Test func sustainedDistressEscalates() {
        let recent = ["最近感觉一点希望都没有", "我觉得自己就是个累赘"]
        let detection = detector.detect("活着太累了，没人在乎我", recent: recent)
        #expect(detection.tier == .crisis)
        #expect(detection.reasons.first == "escalation.sustained")
        // Concern after ordinary turns stays concern.
        #expect(detector.detect("活着太累了", recent: ["今天天气不错", "晚饭吃什么"]).tier == .concern)
        // An old crisis turn does not make a thank-you a crisis.
        #expect(detector.detect("谢谢你", recent: ["我想自杀"]).tier == .none)
    }

    @Test func reasonsNameFamiliesNotText() {
        let detection = detector.detect("怎么自杀不痛苦", recent: [])
        #expect(detection.reasons.contains("method"))
        #expect(!detection.reasons.joined().contains("自杀"))
    }

    @Test func policyVerdicts() {
        #expect(detector.detect("你这个傻逼机器人", recent: []).policy == ["abuse"])
        #expect(detector.detect("他妈的今天真烦", recent: []).policy.isEmpty)
        #expect(detector.detect("兼职刷单日赚500，加微信", recent: []).policy == ["spam"])
    }
}
