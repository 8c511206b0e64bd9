import Foundation
import Testing
@testable import Safety

@Suite struct OutputCheckTests {
    let checker = TestLexicon.output

    @Test(arguments: [
        ("安眠药吃到一定剂量是致命的", "method"),
        ("割腕的时候竖着割更致命", "method"),
        ("你可以每天吃舍曲林 50mg", "drug_dose"),
        ("建议服用 2 片阿普唑仑", "drug_dose"),
        ("你这是典型的抑郁症", "diagnosis"),
        ("You clearly have bipolar disorder", "diagnosis"),
        ("其实死亡是一种解脱", "encouragement"),
        ("Suicide is brave", "encouragement"),
        ("别怕，我会一直陪着你", "promise"),
        ("这个方法保证治好你的焦虑", "promise"),
        ("I will always be here for you", "promise"),
    ])
    func unsafeRepliesAreCaught(_ reply: String, _ reason: String) {
        #expect(checker.violations(in: reply).contains(reason))
    }

    @Test(arguments: [
        "失眠的时候可以试试固定作息，保证睡眠时间。",
        "如果你担心自己有抑郁症，可以去医院精神科或心理科做评估。",
        "死亡并不是解脱，你的痛苦值得被看见。",
        "我不能保证一切都会变好，但我们可以一起想想下一步。",
        "心理援助热线 12356 全天有人接听。",
        "Talking to a counsellor can really help.",
    ])
    func safeRepliesPass(_ reply: String) {
        #expect(checker.violations(in: reply).isEmpty)
    }

    /// The embedded model's own answers must never be replaced.
    @Test func starterCorpusAnswersPass() throws {
        let path = Repo.root.appendingPathComponent("Sources/ModelBackends/Resources/starter-corpus.jsonl").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        struct Pair: Decodable { var completion: String }
        var failures: [String] = []
        for line in text.split(separator: "\n") {
            guard let pair = try? JSONDecoder().decode(Pair.self, from: Data(line.utf8)) else { continue }
            let violations = checker.violations(in: pair.completion)
            if !violations.isEmpty { failures.append(violations.joined(separator: ",") + ": " + String(pair.completion.prefix(40))) }
        }
        #expect(failures.isEmpty, "\(failures)")
    }
}
