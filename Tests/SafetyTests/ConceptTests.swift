import ChatCore
import Foundation
import Testing
@testable import Safety

/// Issue 13: each concrete cause the code reading found, and the concept rules (docs/safety.md,
/// "Concepts"). Every case names the concept the responder will answer.
@Suite struct ConceptTests {
    let detector = TestLexicon.detector

    private func expectCrisis(_ text: String, _ concept: RiskConcept, recent: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) {
        let detection = detector.detect(text, recent: recent)
        #expect(detection.tier == .crisis, "\(text) → \(detection.tier) \(detection.reasons)", sourceLocation: sourceLocation)
        #expect(detection.concepts.contains(concept), "\(text) → \(detection.concepts)", sourceLocation: sourceLocation)
    }

    private func expectNotCrisis(_ texts: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        for text in texts {
            let detection = detector.detect(text)
            #expect(detection.tier < .crisis, "\(text) → \(detection.reasons)", sourceLocation: sourceLocation)
        }
    }

    @Test func aNotAIsAQuestionNotANegation() {
        expectCrisis("我是不是该自杀", .suicidalThought)
        expectCrisis("我是不是该去死", .suicidalThought)
        expectCrisis("要不要干脆去死算了", .suicidalThought)
        // A plain negation still cancels.
        expectNotCrisis(["我不是想自杀，只是太累了"])
    }

    @Test func unlistedEmojiSurviveAndLaughterLowersABareWish() {
        #expect(detector.canonicalForm("不活了😂").contains("😂"))
        #expect(detector.canonicalForm("好累🫠").contains("🫠"))
        expectNotCrisis(["不活了不活了😂又胖了三斤", "周一不想活了😂", "作业多到想死🤣"])
        // Laughter never lowers an act.
        expectCrisis("哈哈，药已经攒够了，今晚全吃了", .preparation)
    }

    @Test func theQuestionMarkSurvivesAsAFlag() {
        let canonicalizer = Canonicalizer(variants: [])
        let text = canonicalizer.canonicalize("我很好。你呢？真的吗?!")
        #expect(text.questions == [1, 2])
        #expect(!String(String.UnicodeScalarView(text.scalars)).contains("?"))
    }

    @Test func passiveWish() {
        expectCrisis("真希望明天出个车祸", .passiveWish)
        expectCrisis("要是睡着了就别醒来该多好", .passiveWish)
        expectCrisis("I wish I could just not wake up", .passiveWish)
        expectNotCrisis(["希望明天路上别出意外", "祝你们平安，别生病", "昨天睡过去了，差点没赶上车"])
    }

    @Test func burdensomenessAndBelonging() {
        expectCrisis("家人没有我会过得更好", .burdensomeness)
        expectCrisis("我就是家里的累赘", .burdensomeness)
        expectCrisis("my family would be better off without me", .burdensomeness)
        expectCrisis("我消失了也没人会发现", .thwartedBelonging)
        expectNotCrisis(["学习负担太重了", "房贷负担好大", "我不想成为家人的负担，所以在找工作"])
    }

    @Test func singleFarewellActs() {
        expectCrisis("我把银行卡密码都告诉了我妹", .preparation)
        expectCrisis("你们以后不用再担心我了", .preparation)
        expectCrisis("东西都收拾好了，免得以后麻烦别人", .preparation)
        expectCrisis("明天我不在了，别找我", .preparation)
        expectNotCrisis(["手机内存满了，把照片都删了", "感谢大家这些年的照顾，下周我就离职了", "明天出差一周，别找我哈", "我已经好多了，不用再担心我了"])
    }

    @Test func methodQuestionsWithoutADeathWord() {
        expectCrisis("吃多少片安眠药能睡过去不醒", .methodQuestion)
        expectCrisis("附近哪里水最深？", .methodQuestion)
        expectCrisis("你们学校天台的门晚上锁吗", .methodQuestion)
        expectCrisis("有什么最不痛苦的办法？", .methodQuestion)
        expectNotCrisis(["头疼吃几片布洛芬合适？", "附近哪里水深适合游泳？", "天台门开着吗？想上去晒被子", "学英语最快的方法是什么？"])
    }

    @Test func concealmentWithAnyMeans() {
        expectCrisis("我在床垫下面藏了一把刀", .means)
        expectCrisis("给自己留了一瓶安眠药，以防万一", .means)
        expectCrisis("I hid a blade under my mattress", .means)
        expectNotCrisis(["把刀藏起来了，怕孩子碰到", "露营带了一把小刀以防万一"])
    }

    @Test func unreachableThirdPerson() {
        expectCrisis("我姐发了一条像遗书的朋友圈，电话一直打不通", .thirdPersonAtRisk)
        expectCrisis("我弟说了句对不起大家，然后就联系不上了", .thirdPersonAtRisk)
        expectNotCrisis(["我姐手机没电了，电话打不通"])
    }

    @Test func treatmentGivenUpWithHopelessness() {
        expectCrisis("药我已经停了，反正治不好", .treatmentRefusal)
        expectNotCrisis(["医生说可以停药了，好开心"])
    }

    @Test func pinyinSentencesAreRead() {
        expectCrisis("wo zhen de bu xiang huo le", .suicidalThought)
        expectCrisis("woxiangzisha", .suicidalThought)
        #expect(detector.canonicalForm("wo jin tian chi le yi wan mian").unicodeScalars.allSatisfy { TextNormalizer.isCJK($0) })
        // English stays English.
        #expect(detector.canonicalForm("i want to die") == "i want to die")
        expectNotCrisis(["wo jin tian chi le yi wan mian", "ni hao a"])
    }

    @Test func exaggerationLowersOnlyWishes() {
        expectNotCrisis(["累得想死，终于下班了", "气得想掐死他", "不活了不活了", "这部剧的女主最后跳楼了，编剧太狠了"])
        #expect(detector.detect("我在写小说。主角不想活了，这段怎么写").tier < .crisis)
        // A plan stays a crisis whatever surrounds it.
        expectCrisis("哈哈哈我已经决定了，今晚就从楼上跳下去", .plan)
    }

    @Test func hardNegativesStayClear() {
        expectNotCrisis([
            "下周搬家，东西都收拾好了，旧家具送人了", "笑死我了", "饿死了，中午吃什么", "太社死了", "想死你了，什么时候回来",
            "kill -9 那个进程就好", "跳楼价清仓", "新闻说又发生了自杀式袭击", "想结束加班的日子", "毕业了，谢谢大家，以后常联系",
        ])
    }

    /// Every crisis or concern verdict names at least one concept, rules or classifier.
    @Test func everyVerdictCarriesAConcept() throws {
        let path = Repo.root.appendingPathComponent("Tests/Fixtures/safety/generated.jsonl").path
        for item in try EvalDataset.load(path: path) {
            let detection = try CrisisDetector.bundled().detect(item.text, recent: item.recent)
            if detection.tier > .none { #expect(!detection.concepts.isEmpty, "\(item.text)") }
        }
    }
}
