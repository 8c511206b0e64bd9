import ChatCore
import Foundation
import Testing
@testable import ModelBackends

/// The shipped corpus file itself: format, coverage and the writing rules of docs/starter-corpus.md.
@Suite struct StarterCorpusTests {
    static let categories = [
        "学业与未来规划", "工作与职场", "家庭问题与矛盾", "物质滥用与成瘾", "悲恸与丧失", "失眠", "压力", "人际关系", "情感关系", "离婚",
        "分手", "自我探索", "低自尊", "青春期", "强迫", "其它", "LGBT", "性", "亲子关系",
    ]

    struct Line: Decodable {
        var intent: String
        var category: String
        var lang: String
        var followup: String
        var questions: [String]
        var answers: [String]
    }

    static let resources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/ModelBackends/Resources")

    static func rawFile() throws -> Data {
        try Data(contentsOf: CorpusLoader.starterURL())
    }

    static func lines() throws -> [Line] {
        let text = try #require(String(data: try rawFile(), encoding: .utf8))
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Line.self, from: Data($0.utf8)) }
    }

    @Test func isCleanUTF8JSONLWithRealCharacters() throws {
        let text = try #require(String(data: try Self.rawFile(), encoding: .utf8))
        #expect(!text.contains("\r"))
        #expect(!text.contains("\\u"), "write real UTF-8, never \\u escapes")
        #expect(text.hasSuffix("\n"))
        #expect(!text.contains("\n\n"))
    }

    @Test func intentsMatchTheTaxonomy() throws {
        let lines = try Self.lines()
        let taxonomy = AnswerEvaluation.bundledTaxonomy()
        #expect(lines.count >= 100)
        #expect(Set(lines.map(\.intent)).count == lines.count)
        #expect(Dictionary(uniqueKeysWithValues: lines.map { ($0.intent, $0.category) }) == taxonomy, "corpus intents and intents.tsv differ")
        #expect(Set(lines.map(\.category)) == Set(Self.categories))
        let english = lines.filter { $0.lang == "en" }
        #expect((18...30).contains(english.count))
        #expect(english.allSatisfy { $0.intent.hasSuffix("_en") })
    }

    @Test func everyIntentHasManyWordingsAndTwoToFourAnswers() throws {
        var seen = Set<String>()
        for line in try Self.lines() {
            #expect(line.questions.count >= 15, "\(line.intent): \(line.questions.count) questions")
            #expect((2...4).contains(line.answers.count), "\(line.intent): \(line.answers.count) answers")
            #expect(line.questions.contains { $0.count <= (line.lang == "en" ? 30 : 10) }, "\(line.intent) needs a short question")
            #expect(line.questions.contains { $0.count >= (line.lang == "en" ? 80 : 28) }, "\(line.intent) needs a long question")
            #expect(!line.followup.isEmpty)
            for question in line.questions {
                #expect(seen.insert(question).inserted, "question used twice: \(line.intent)")
                #expect(question == question.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
    }

    @Test func answersKeepTheWritingRules() throws {
        let banned = ["自杀", "自残", "不想活", "想死", "轻生", "割腕", "跳楼", "安眠药", "我会一直陪着你", "我保证", "一定会好", "治好", "你这是抑郁症",
                      "kill yourself", "suicide", "I promise", "I'll always be here"]
        var answers = Set<String>()
        for line in try Self.lines() {
            for answer in line.answers {
                #expect(answers.insert(answer).inserted, "\(line.intent): answer used twice")
                if line.lang == "zh" {
                    #expect((80...220).contains(answer.count), "\(line.intent): \(answer.count) characters")
                } else {
                    let words = answer.split(whereSeparator: \.isWhitespace).count
                    #expect((50...130).contains(words), "\(line.intent): \(words) words")
                }
            }
            for text in line.answers + line.questions + [line.followup] {
                for word in banned { #expect(!text.localizedCaseInsensitiveContains(word), "\(line.intent) contains \(word)") }
            }
        }
    }

    /// An answer is true for anyone in its intent: it names no person, relationship or pet that
    /// one of the intent's own questions does not mention.
    @Test func answersNameNoRoleTheirQuestionsLack() throws {
        var problems: [String] = []
        for line in try Self.lines() {
            for (n, reply) in (line.answers + [line.followup]).enumerated() {
                for question in line.questions {
                    let roles = RoleConsistency.invented(reply: reply, question: question)
                    if !roles.isEmpty { problems.append("\(line.intent) reply \(n + 1) names \(roles) for: \(question)") }
                }
            }
        }
        #expect(problems.isEmpty, "\(problems.prefix(10))")
    }

    @Test func roleCheckSeesRolesAndTheirCues() {
        #expect(RoleConsistency.invented(reply: "你父亲一定很爱你", question: "有人去世了") == ["father"])
        #expect(RoleConsistency.invented(reply: "和父母好好谈谈", question: "我妈总说我") == [])
        #expect(RoleConsistency.invented(reply: "你的猫陪了你很久", question: "我的狗走了") == ["cat"])
        #expect(RoleConsistency.invented(reply: "失去宠物很难过", question: "my dog died") == [])
        #expect(RoleConsistency.invented(reply: "talk to a person you trust", question: "stress") == [])
        #expect(RoleConsistency.invented(reply: "your son may need time", question: "my kid") == ["son"])
    }
}
