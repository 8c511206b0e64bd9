import ChatCore
import Foundation
import Testing
@testable import Safety

/// The rule language and the context readers, each on a lexicon small enough to see what fires.
@Suite struct EngineTests {
    /// Writes `files` to a fresh directory and loads them (normalize.txt is added when missing).
    static func lexicon(_ files: [String: String]) throws -> Lexicon {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lexicon-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var all = files
        if all["normalize.txt"] == nil { all["normalize.txt"] = "# none\n" }
        for (name, text) in all {
            try Data(text.utf8).write(to: directory.appendingPathComponent(name))
        }
        return try Lexicon.load(directory: directory.path)
    }

    static func detector(_ classes: String, _ rules: String, extra: [String: String] = [:]) throws -> CrisisDetector {
        var files = extra
        files["test.classes"] = classes
        files["input.rules"] = rules
        return CrisisDetector(lexicon: try lexicon(files))
    }

    @Test func exclusionIsSentenceScopedUnlessMarkedAnywhere() throws {
        let classes = "@means\n  炭\n@bbq\n  烧烤\n"
        let near = try Self.detector(classes, "crisis prep : 买 ~2 @means !@bbq\n")
        #expect(near.detect("买了炭，周末烧烤").tier == .none)
        #expect(near.detect("买了炭。周末烧烤").tier == .crisis, "another sentence does not excuse it")
        let anywhere = try Self.detector(classes, "crisis prep : 买 ~2 @means !&@bbq\n")
        #expect(anywhere.detect("买了炭。周末烧烤").tier == .none)
        #expect(anywhere.detect("买了炭").tier == .crisis)
    }

    @Test func andElementsAreDistinctHitsAndChainWithGaps() throws {
        let detector = try Self.detector("@give\n  送人 | 托付\n@tool\n  blade\n", """
        crisis farewell : @give & @give
        crisis self_harm : @tool & want ~1 use
        """)
        #expect(detector.detect("猫送人了").tier == .none, "one act is not two")
        #expect(detector.detect("猫送人了，钥匙托付给了朋友").tier == .crisis)
        // The `~1` after an `&` element follows that element, wherever it is.
        #expect(detector.detect("i have a blade in my room and i want to use it").tier == .crisis)
        #expect(detector.detect("i want to use it. i have a blade").tier == .crisis)
        #expect(detector.detect("i have a blade and i want it").tier == .none)
    }

    @Test func negatedAndElementsDoNotCount() throws {
        let detector = try Self.detector("@means\n  药\n@all\n  全吃了\n@negation\n  不会\n", "crisis prep : @means & @all\n")
        #expect(detector.detect("药都在，全吃了").tier == .crisis)
        #expect(detector.detect("药都在，我不会全吃了").tier == .none)
    }

    @Test func countsOfTenOrMoreAreBuiltIn() throws {
        let detector = try Self.detector("@unit\n  片 | pills\n", "crisis attempt : @many ~1 @unit\n")
        for text in ["吃了三十片", "took 40 pills", "几十片", "上百片"] { #expect(detector.detect(text).tier == .crisis, "\(text)") }
        for text in ["吃了两片", "took 2 pills", "07 pills"] { #expect(detector.detect(text).tier == .none, "\(text)") }
    }

    @Test func hardNegativesDropWhatIsInsideThemButNotWhatCoversThem() throws {
        let detector = try Self.detector("@verb\n  划\n@plan\n  计划\n@hard_negative\n  计划\n", """
        crisis self_harm : @verb
        crisis plan : @plan ~2 跳
        """)
        #expect(detector.detect("我的计划").tier == .none, "划 inside 计划 is dropped")
        #expect(detector.detect("我计划跳").tier == .crisis, "计划 itself survives its own hard negative")
    }

    @Test func titlesAreTopics() throws {
        let detector = try Self.detector("@suicide\n  自杀\n", "crisis intent : @suicide\n")
        #expect(detector.detect("《自杀》这本书好看吗").tier == .concern)
        #expect(detector.detect("看完《活着》我想自杀").tier == .crisis)
    }

    @Test func thePastWithARecoveryIsAConcern() throws {
        let context = "@past\n  以前 | years ago\n@recovered\n  好多了 | doing much better\n"
        let detector = try Self.detector("@suicide\n  自杀 | suicidal\n" + context, "crisis intent : @suicide\n")
        #expect(detector.detect("我以前想过自杀，现在好多了").tier == .concern)
        #expect(detector.detect("i was suicidal years ago, now doing much better").tier == .concern)
        #expect(detector.detect("我以前想过自杀").tier == .crisis, "a past attempt alone stays a risk")
        #expect(detector.detect("我以前好多了，现在又想自杀").tier == .crisis, "the current clause has no past cue")
    }

    @Test func accidentsAndDreamsCancelOrFrame() throws {
        let detector = try Self.detector("@cut\n  划\n@accident\n  不小心\n@dream\n  梦到\n", "crisis self_harm : @cut ~2 手\n")
        #expect(detector.detect("切菜的时候不小心被刀划了一下手").tier == .none)
        #expect(detector.detect("梦到自己划手").tier == .concern)
        #expect(detector.detect("我又划手了").tier == .crisis)
    }

    @Test func calmThirdPartiesAndSubordinateClauses() throws {
        let people = "@other\n  她 | 朋友\n@immediate\n  现在\n@calm\n  情绪稳定\n@subordinate\n  等\n@main_clause\n  就\n"
        let detector = try Self.detector("@method\n  跳楼\n" + people, "crisis plan : @method\n")
        #expect(detector.detect("朋友现在说要跳楼").tier == .crisis)
        #expect(detector.detect("朋友现在说要跳楼，不过情绪稳定").tier == .concern)
        #expect(detector.detect("等她生日过完我就跳楼").tier == .crisis, "她 belongs to the 等 clause")
        #expect(detector.detect("她说要跳楼").tier == .concern)
    }

    @Test func traditionalPinyinAndLeetspeakAreRead() throws {
        let detector = try Self.detector("@die\n  想死 | kill myself\n@now\n  刚刚\n", """
        crisis intent : @die
        crisis now : @now
        """, extra: ["normalize.txt": "想si => 想死\n", "traditional.txt": "# pairs\n剛刚\n"])
        #expect(detector.detect("剛剛").tier == .crisis)
        #expect(detector.detect("想 sǐ 了").tier == .crisis)
        #expect(detector.detect("i want to k!ll myself").tier == .crisis)
    }

    @Test func aClassMayNotBeDefinedTwice() {
        #expect(throws: LexiconError.self) {
            _ = try Self.lexicon(["a.classes": "@x\n  a\n", "b.classes": "@x\n  b\n", "input.rules": "crisis t : @x\n"])
        }
        // hard negatives are meant to be added to from every file
        #expect(throws: Never.self) {
            _ = try Self.lexicon(["a.classes": "@hard_negative\n  a\n", "b.classes": "@hard_negative\n  b\n", "input.rules": "crisis t : 死\n"])
        }
    }

    @Test func ruleFilesSplitByFamilyJoinOneSet() throws {
        let lexicon = try Self.lexicon(["x.classes": "@x\n  a\n", "input.rules": "crisis a : @x\n", "input.more.rules": "crisis b : b\n"])
        #expect(lexicon.rules["input"]?.count == 2)
        #expect(lexicon.rules["input.more"] == nil)
    }

    @Test func exclusionCannotStartAPattern() {
        #expect(throws: LexiconError.self) { _ = try Self.lexicon(["input.rules": "crisis a : !@x\n"]) }
    }
}
