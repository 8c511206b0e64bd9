import ChatCore
import Foundation
import Testing
@testable import Datasets

@Suite("split, stats, estimate")
struct PlanTests {
    /// 40 questions with 1–4 answers each.
    static func groupedFile() -> String {
        var lines: [String] = []
        for q in 0..<40 {
            for a in 0..<(q % 4 + 1) {
                lines.append(#"{"prompt":"问题\#(q)\n\n###\n\n","completion":" 回答\#(q)-\#(a) [END]"}"#)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func questions(_ text: String?) -> [String] {
        (text ?? "").split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])?["prompt"]
        }
    }

    @Test("grouped: answers to one question never straddle the split; same seed, same split")
    func split() throws {
        let temp = TempDirectory()
        defer { temp.cleanup() }
        let input = temp.write("all.jsonl", Self.groupedFile())
        var options = DatasetSplitter.Options()
        options.validationFraction = 0.2
        let summary = try DatasetSplitter(options: options).split(path: input, train: temp.file("t.jsonl"), validation: temp.file("v.jsonl"))
        #expect(summary.trainExamples + summary.validationExamples == 100)
        #expect(summary.validationExamples == 20)
        let train = Set(questions(temp.read("t.jsonl")))
        let valid = Set(questions(temp.read("v.jsonl")))
        #expect(train.isDisjoint(with: valid))
        #expect(summary.validationGroups == valid.count)

        let again = try DatasetSplitter(options: options).split(path: input, train: temp.file("t2.jsonl"), validation: temp.file("v2.jsonl"))
        #expect(again == summary)
        #expect(temp.read("v2.jsonl") == temp.read("v.jsonl"))
        options.seed = 7
        _ = try DatasetSplitter(options: options).split(path: input, train: temp.file("t3.jsonl"), validation: temp.file("v3.jsonl"))
        #expect(temp.read("v3.jsonl") != temp.read("v.jsonl"))
        // Lines are copied byte for byte, in order.
        let all = Set((temp.read("all.jsonl") ?? "").split(separator: "\n"))
        #expect(Set((temp.read("t.jsonl") ?? "").split(separator: "\n")).isSubset(of: all))
    }

    @Test("split caps validation, and needs two questions")
    func splitLimits() throws {
        let temp = TempDirectory()
        defer { temp.cleanup() }
        let input = temp.write("all.jsonl", Self.groupedFile())
        var options = DatasetSplitter.Options()
        options.validationFraction = 0.5
        options.maxValidation = 5
        let summary = try DatasetSplitter(options: options).split(path: input, train: temp.file("t.jsonl"), validation: temp.file("v.jsonl"))
        #expect(summary.validationExamples <= 5 && summary.validationExamples > 0)
        let one = temp.write("one.jsonl", #"{"prompt":"同一个\n\n###\n\n","completion":" 一 [END]"}"# + "\n" + #"{"prompt":"同一个\n\n###\n\n","completion":" 二 [END]"}"# + "\n")
        guard case .emptyOutput? = datasetError({ try DatasetSplitter().split(path: one, train: temp.file("a.jsonl"), validation: temp.file("b.jsonl")) }) else {
            Issue.record("expected an error")
            return
        }
        options.validationFraction = 1
        #expect(datasetError { try DatasetSplitter(options: options).split(path: input, train: temp.file("x.jsonl"), validation: temp.file("y.jsonl")) } != nil)
        #expect(!temp.entries.contains("a.jsonl") && !temp.entries.contains("x.jsonl"))
    }

    @Test("stats of a training file: counts, groups, duplicates, histograms")
    func stats() throws {
        let temp = TempDirectory()
        defer { temp.cleanup() }
        let input = temp.write("all.jsonl", Self.groupedFile() + #"{"prompt":"问题0\n\n###\n\n","completion":" 回答0-0 [END]"}"# + "\n")
        let stats = try TrainingFileStatistics.compute(path: input, format: .standard)
        #expect(stats.examples == 101)
        #expect(stats.groups == 40)
        #expect(stats.duplicates == 1)
        #expect(stats.questionLengths.count == 101)
        #expect(stats.questionLengths.percentile(1) == 4)
        #expect(stats.answerLengths.counts[0] == 101)
        #expect(LengthHistogram.labels.first == "<20" && LengthHistogram.labels.last == "≥5000")
    }

    @Test("stats of source files: records, recipe answers, SOS, categories")
    func sourceStats() throws {
        let flyrae = try SourceStatistics.compute(path: Fixture.path("flyrae-sample.json"), kind: .flyrae)
        #expect(flyrae.records == 6)
        #expect(flyrae.answers == 13)
        #expect(flyrae.recipeAnswers == 10)
        #expect(flyrae.categories["治疗"] == 1)
        let efaqa = try SourceStatistics.compute(path: Fixture.path("efaqa-sample.jsonl.gz"), kind: .efaqa)
        #expect(efaqa.records == 5)
        #expect(efaqa.answers == 10)
        #expect(efaqa.recipeAnswers == 6)
        #expect(efaqa.sosThreads == 1)
        #expect(efaqa.categories["失眠"] == 1)
    }

    @Test("the token estimate follows the calibration: 1.9 per Chinese character, 0.25 per ASCII")
    func tokens() {
        let estimator = TokenEstimator()
        #expect(estimator.tokens("你好") == 3.8)
        #expect(estimator.tokens("abcd") == 1)
        // The calibration itself: 8 MB of ensure_ascii JSON ≈ 2.5 M tokens per epoch.
        let characters = 8_000_000.0 * 0.97 / 6
        let tokens = characters * TokenEstimator.calibratedCJK
        #expect(abs(tokens - 2_500_000) / 2_500_000 < 0.05)
        #expect(abs(tokens / 1000 * 0.0004 * 4 - 4) < 0.2, "≈ USD 4 for ada at 4 epochs")
    }

    @Test("prices: snapshots and fine-tunes map to their base; files override")
    func prices() throws {
        let table = PriceTable()
        #expect(table.price(for: "babbage-002") == 0.0004)
        #expect(table.price(for: "gpt-4o-mini-2024-07-18") == 0.003)
        #expect(table.price(for: "gpt-4o-2024-08-06") == 0.025)
        #expect(table.price(for: "ft:davinci-002:org:x:abc") == 0.006)
        #expect(table.price(for: "unknown-model") == nil)
        let temp = TempDirectory()
        defer { temp.cleanup() }
        let file = temp.write("p.json", #"{"babbage-002": 0.001, "my-model": 0.5}"#)
        let loaded = try PriceTable.load(path: file)
        #expect(loaded.price(for: "babbage-002") == 0.001)
        #expect(loaded.price(for: "my-model") == 0.5)
        #expect(datasetError { try PriceTable.load(path: temp.write("bad.json", #"{"m":"x"}"#)) } != nil)
    }

    @Test("estimate and sample to a budget: fits, deterministic, in file order")
    func estimateAndSample() throws {
        let temp = TempDirectory()
        defer { temp.cleanup() }
        let input = temp.write("all.jsonl", Self.groupedFile())
        let estimator = CostEstimator(epochs: 4, pricePerThousand: 0.0004)
        let full = try estimator.estimate(path: input)
        #expect(full.examples == 100)
        #expect(full.bytes == (temp.read("all.jsonl") ?? "").utf8.count)
        let cost = try #require(full.cost)
        #expect(abs(cost - full.tokensPerEpoch * 4 / 1000 * 0.0004) < 1e-12)

        let half = try estimator.sample(path: input, output: temp.file("s.jsonl"), budget: .init(maxCost: cost / 2))
        #expect(try #require(half.cost) <= cost / 2)
        #expect(half.examples > 30 && half.examples < 70)
        let bytes = try estimator.sample(path: input, output: temp.file("b.jsonl"), budget: .init(maxBytes: full.bytes / 4))
        #expect(bytes.bytes <= full.bytes / 4)
        _ = try estimator.sample(path: input, output: temp.file("b2.jsonl"), budget: .init(maxBytes: full.bytes / 4))
        #expect(temp.read("b.jsonl") == temp.read("b2.jsonl"))
        let order = (temp.read("b.jsonl") ?? "").split(separator: "\n").map(String.init)
        let original = (temp.read("all.jsonl") ?? "").split(separator: "\n").map(String.init)
        #expect(order == original.filter(order.contains))
        guard case .emptyOutput? = datasetError({ try estimator.sample(path: input, output: temp.file("z.jsonl"), budget: .init(maxBytes: 10)) }) else {
            Issue.record("expected emptyOutput")
            return
        }
        #expect(datasetError { try CostEstimator(pricePerThousand: nil).sample(path: input, output: temp.file("y.jsonl"), budget: .init(maxCost: 1)) } != nil)
    }
}
