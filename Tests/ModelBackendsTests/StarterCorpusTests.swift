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
        var id: String
        var category: String
        var lang: String
        var prompt: String
        var completion: String
    }

    static func rawFile() throws -> Data {
        let url = try #require(Bundle.module.url(forResource: "starter-corpus", withExtension: "jsonl", subdirectory: nil)
            ?? Bundle.allBundles.compactMap { $0.url(forResource: "starter-corpus", withExtension: "jsonl") }.first
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Sources/ModelBackends/Resources/starter-corpus.jsonl"))
        return try Data(contentsOf: url)
    }

    static func lines() throws -> [Line] {
        let text = try #require(String(data: try rawFile(), encoding: .utf8))
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Line.self, from: Data($0.utf8)) }
    }

    @Test func isCleanUTF8JSONLWithRealCharacters() throws {
        let data = try Self.rawFile()
        let text = try #require(String(data: data, encoding: .utf8))
        #expect(!text.contains("\r"))
        #expect(!text.contains("\\u"), "write real UTF-8, never \\u escapes")
        #expect(text.hasSuffix("\n"))
        #expect(!text.contains("\n\n"))
    }

    @Test func idsQuestionsAndAnswersAreUnique() throws {
        let lines = try Self.lines()
        #expect(Set(lines.map(\.id)).count == lines.count)
        #expect(Set(lines.map(\.prompt)).count == lines.count)
        #expect(Set(lines.map(\.completion)).count == lines.count)
    }

    @Test func everyCategoryIsPopulatedInBothLanguages() throws {
        let lines = try Self.lines()
        #expect(lines.filter { $0.lang == "zh" }.count >= 400)
        #expect(lines.filter { $0.lang == "en" }.count >= 40)
        for category in Self.categories {
            #expect(lines.filter { $0.category == category && $0.lang == "zh" }.count >= 15, "\(category)")
            #expect(lines.contains { $0.category == category && $0.lang == "en" }, "\(category) en")
        }
        #expect(Set(lines.map(\.category)).isSubset(of: Set(Self.categories)))
        #expect(Set(lines.map(\.lang)) == ["zh", "en"])
    }

    @Test func answersKeepTheWritingRules() throws {
        let banned = ["自杀", "自残", "不想活", "想死", "轻生", "割腕", "跳楼", "安眠药", "我会一直陪着你", "我保证", "一定会好", "治好", "你这是抑郁症",
                      "kill yourself", "suicide", "I promise", "I'll always be here"]
        for line in try Self.lines() {
            if line.lang == "zh" {
                #expect((80...300).contains(line.completion.count), "\(line.id): \(line.completion.count) characters")
            } else {
                let words = line.completion.split(whereSeparator: \.isWhitespace).count
                #expect((50...130).contains(words), "\(line.id): \(words) words")
            }
            for word in banned {
                #expect(!line.prompt.localizedCaseInsensitiveContains(word) && !line.completion.localizedCaseInsensitiveContains(word), "\(line.id) contains \(word)")
            }
            #expect(line.prompt == line.prompt.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }
}

/// The routing quality targets of docs/starter-corpus.md, on the held-out file.
@Suite struct RetrievalQualityTests {
    @Test func heldOutTargetsAreMet() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/retrieval/heldout.jsonl").path
        let items = try RetrievalEvaluation.load(path: path)
        #expect(items.count >= 200 + 50)
        let model = RetrievalModel(pairs: try CorpusLoader.starter())
        let report = RetrievalEvaluation.run(model, items: items)
        #expect(report.top1Accuracy >= 0.85, "top-1 \(report.top1Accuracy)")
        #expect(report.top3Accuracy >= 0.95, "top-3 \(report.top3Accuracy)")
        #expect(report.offTopicBelowThresholdRate >= 0.90, "off-topic below threshold \(report.offTopicBelowThresholdRate)")
        #expect(report.onTopicBelowThresholdRate <= 0.10, "on-topic below threshold \(report.onTopicBelowThresholdRate)")
    }
}
