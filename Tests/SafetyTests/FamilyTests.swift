import ChatCore
import Testing
@testable import Safety

/// The pattern families of issue 3's second round, each in wordings the rules do not list, and the
/// look-alikes the broader families must leave alone. Written for these tests; none is copied
/// from the blind set.
@Suite struct FamilyTests {
    let detector = TestLexicon.detector

    func tier(_ text: String, recent: [String] = []) -> SafetyTier { detector.detect(text, recent: recent).tier }

    @Test(arguments: [
        "我刚才用美工刀划了手腕，一直在流血", "昨晚又在胳膊上割了好几道", "拿圆规扎自己的大腿", "又把手臂抓烂了",
        "用烟头烫了手背好几下", "I carved into my forearm again", "又 relapse 了，刀片就在手边",
    ])
    func cuttingVerbsOnTheBodyWithParticles(_ text: String) { #expect(tier(text) == .crisis, "\(text)") }

    @Test(arguments: [
        "吞了一大把安眠药，现在头好晕", "喝了半瓶除草剂", "刚刚把降压药全吃了", "I took 35 of my sleeping pills",
        "I drank the antifreeze an hour ago", "我现在站在天台边上，已经翻过栏杆了", "I'm on the bridge right now, already over the railing",
    ])
    func attemptsInProgress(_ text: String) { #expect(tier(text) == .crisis, "\(text)") }

    @Test(arguments: [
        "药已经囤够了", "安眠药攒齐了", "偷偷存了好几瓶药", "在不同的药店买了安眠药，一次只买一点", "木炭和封窗的胶带都买好了",
        "绳子已经系在横梁上了", "I've been stockpiling my meds for a month",
    ])
    func stockpilingAndReadyingTheMeans(_ text: String) { #expect(tier(text) == .crisis, "\(text)") }

    @Test(arguments: [
        "我已经决定了，周六晚上从宿舍楼顶跳下去", "等过完年我就去烧炭", "下周一一个人去水库，不回来了",
        "I'm going to walk into the sea on Sunday", "Tomorrow night I'm jumping off the overpass",
    ])
    func plansWithTimePlaceOrMethod(_ text: String) { #expect(tier(text) == .crisis, "\(text)") }

    @Test(arguments: [
        "把猫托付给了邻居，存款也转给了我妹", "遗嘱写好了，也没什么放不下的了", "跟朋友们都道了别，他们以为我要出国",
        "I gave my dog away and told everyone I'm moving. I'm not.",
    ])
    func farewellActs(_ text: String) { #expect(tier(text) == .crisis, "\(text)") }

    @Test(arguments: [
        "我想永远地睡过去", "今晚过后我就不会再痛了", "想去天上找我爸爸", "这个世界我待够了", "很快我就不会再是大家的负担了",
        "I'm going to sleep tonight and never wake up again",
    ])
    func euphemismsOfLeavingAndSleeping(_ text: String) { #expect(tier(text) == .crisis, "\(text)") }

    @Test(arguments: ["kms fr", "gonna unalive myself", "thinking about sewer slide tonight", "想4了算了"])
    func slang(_ text: String) { #expect(tier(text) == .crisis, "\(text)") }

    @Test(arguments: [
        "我朋友说她现在在江边，这辈子就这样了", "我妈把自己锁在厨房里，煤气味很重", "My brother just sent me a goodbye and his phone is off",
    ])
    func thirdPartiesWithImmediacy(_ text: String) { #expect(tier(text) == .crisis, "\(text)") }

    @Test(arguments: [
        "我真想拿刀砍了那个骗子", "刀已经藏在书包里了，明天去学校找他们算账", "我想在他的汤里下毒", "I'm going to stab my neighbour tonight",
    ])
    func harmToOthersWithIntent(_ text: String) { #expect(tier(text) == .crisis, "\(text)") }

    @Test func riskCarriedAcrossTurnsUnlessTheUserStepsBack() {
        let recent = ["我把安眠药都倒出来了", "一共五十多片", "今晚家里就我一个人"]
        #expect(tier("嗯", recent: recent) == .crisis)
        #expect(detector.detect("嗯", recent: recent).reasons.first == "escalation.carried")
        #expect(tier("谢谢你，我现在好多了，我会打热线", recent: recent) != .crisis)
        // An answered wish to die is not repeated: crisis mode adds the resource line instead.
        #expect(tier("今天吃了饭", recent: ["我不想活了"]) != .crisis)
    }

    @Test(arguments: [
        "我在天台晒被子", "周末一个人去海边散散心", "炭买好了，周末去露营烧烤", "我把旧衣服都捐了，家里清爽多了",
        "切菜不小心划到手了", "抽血的时候护士扎了好几针", "猫把我手臂抓破了", "这个boss我要砍死它", "我想杀了这个bug",
        "剧本杀里我演凶手，要拿刀捅死死者", "海明威是怎么死的", "《自杀小队》好看吗", "辣得我想死哈哈", "我今天不想活动",
        "I'm going to kill it at my presentation", "We went cliff jumping at the lake", "I cut myself shaving",
        "How many ibuprofen can I take for a headache?", "I bought a rope for my hammock", "I'm so done with this week lol",
        "我以前割过腕，现在已经好了很多年了", "有时候觉得不想活了，但我知道我不会做什么", "我朋友说她想自杀，她现在情绪还算稳定，我该怎么帮她",
    ])
    func lookAlikesStayBelowCrisis(_ text: String) { #expect(tier(text) != .crisis, "\(text)") }
}
