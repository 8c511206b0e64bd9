import ChatCore
import Foundation
import Testing
@testable import Datasets

@Suite("dataset prepare")
struct PrepareTests {
    let inputs = [PrepareInput(kind: .flyrae, path: Fixture.path("flyrae-sample.json")), PrepareInput(kind: .efaqa, path: Fixture.path("efaqa-sample.jsonl.gz"))]

    func lines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    @Test("the recipe defaults with cleaning: kept, dropped by reason, real UTF-8 in PromptFormat")
    func recipeDefaults() throws {
        let temp = TempDirectory()
        defer { temp.cleanup() }
        let summary = try DatasetPreparer(options: PrepareOptions()).run(inputs: inputs, output: temp.file("train.jsonl"))
        #expect(summary.recordsRead == [.flyrae: 6, .efaqa: 5])
        #expect(summary.kept == 11)
        #expect(summary.dropped == [
            .notRecommended: 3, .thanksOrEmojiOnly: 2, .nearDuplicate: 1, .crisisContent: 1,
            .notKnowledge: 3, .negative: 1, .sosTopic: 1,
        ])
        #expect(summary.sosThreads == 1)
        #expect(summary.sosPositions.first?.line == 3)
        #expect(summary.outputWritten)
        let text = try #require(temp.read("train.jsonl"))
        #expect(!text.contains("\\u"), "no \\u escapes in the output")
        #expect(text.contains("最近总是失眠怎么办"))
        let rows = try lines(text)
        #expect(rows.count == 11)
        let format = PromptFormat.standard
        for row in rows {
            let prompt = try #require(row["prompt"] as? String)
            let completion = try #require(row["completion"] as? String)
            #expect(prompt.hasSuffix(format.separator))
            #expect(completion.hasPrefix(" ") && completion.hasSuffix(format.stopSequence))
            #expect(Set(row.keys) == ["prompt", "completion"])
        }
        let first = try #require(rows.first)
        #expect(first["prompt"] as? String == "最近总是失眠怎么办？\n每天躺下以后脑子停不下来，\n一直想白天的事情，到凌晨两三点才睡着。\n\n###\n\n")
        #expect(first["completion"] as? String == " 可以试试每天固定时间起床，哪怕前一晚没睡好。 白天少喝咖啡，睡前一小时放下手机。 [END]")
        #expect(text.contains("[账号]") && text.contains("[电话]") && text.contains("[链接]"))
        #expect(!text.contains("\u{200B}") && !text.contains("13812345678"))
        #expect(summary.estimatedTokens > Double(summary.characters.other))
        #expect(summary.categories["职场"] == 2)
        #expect(temp.entries == ["train.jsonl"], "no temporary file left")
    }

    @Test("the checker passes what prepare writes")
    func preparedFilePasses() throws {
        let temp = TempDirectory()
        defer { temp.cleanup() }
        _ = try DatasetPreparer(options: PrepareOptions()).run(inputs: inputs, output: temp.file("train.jsonl"))
        let report = try TrainingFileChecker().check(path: temp.file("train.jsonl"))
        #expect(report.errors.isEmpty, "\(report.errors)")
    }

    @Test("chat format with a system prompt")
    func chat() throws {
        let temp = TempDirectory()
        defer { temp.cleanup() }
        var options = PrepareOptions()
        options.output = .chat(systemPrompt: "你是一位温和的倾听者。", historyTurns: 0)
        let summary = try DatasetPreparer(options: options).run(inputs: [inputs[1]], output: temp.file("chat.jsonl"))
        #expect(summary.kept == 5)
        let text = try #require(temp.read("chat.jsonl"))
        let row = try #require(try lines(text).first)
        let messages = try #require(row["messages"] as? [[String: String]])
        #expect(messages.map { $0["role"] } == ["system", "user", "assistant"])
        #expect(messages[0]["content"] == "你是一位温和的倾听者。")
        #expect(messages[1]["content"] == "考试前特别紧张睡不着")
        #expect(try TrainingFileChecker().check(path: temp.file("chat.jsonl")).errors.isEmpty)
    }

    @Test("length limits, minimum length and the 10,000-character limit")
    func lengths() throws {
        let temp = TempDirectory()
        defer { temp.cleanup() }
        let long = String(repeating: "很长的回答。", count: 2000)
        let input = temp.write("g.jsonl", """
        {"prompt":"短问题","completion":"\(long)"}
        {"prompt":"\(String(repeating: "问", count: 50))","completion":"好的回答在这里"}
        {"prompt":"问题三","completion":"嗯"}
        {"prompt":"问题四","completion":"合适的回答"}
        """)
        var options = PrepareOptions()
        options.maxPromptCharacters = 40
        options.maxAnswerCharacters = 0
        options.minAnswerCharacters = 2
        let summary = try DatasetPreparer(options: options).run(inputs: [PrepareInput(kind: .generic, path: input)], output: temp.file("o.jsonl"))
        #expect(summary.kept == 1)
        #expect(summary.dropped[.exampleTooLong] == 1)
        #expect(summary.dropped[.promptTooLong] == 1)
        #expect((summary.dropped[.thanksOrEmojiOnly] ?? 0) + (summary.dropped[.tooShort] ?? 0) == 1)
    }

    @Test("cleaning switches: keep low content, no near dedupe, no crisis screen")
    func switches() throws {
        let temp = TempDirectory()
        defer { temp.cleanup() }
        var options = PrepareOptions()
        options.dropLowContent = false
        options.nearDuplicates = false
        options.screenCrisis = false
        options.efaqa.includeSOS = true
        let summary = try DatasetPreparer(options: options).run(inputs: inputs, output: temp.file("o.jsonl"))
        #expect(summary.kept == 16)
        #expect(summary.dropped[.crisisContent] == nil)
        #expect(summary.includedSOS)
    }

    @Test("an empty result writes nothing and leaves an existing output untouched")
    func emptyOutput() throws {
        let temp = TempDirectory()
        defer { temp.cleanup() }
        temp.write("out.jsonl", "old\n")
        var options = PrepareOptions()
        options.flyrae.minimumUpvotes = 1000
        let summary = try DatasetPreparer(options: options).run(inputs: [inputs[0]], output: temp.file("out.jsonl"))
        #expect(!summary.outputWritten)
        #expect(summary.kept == 0)
        #expect(temp.read("out.jsonl") == "old\n")
        #expect(temp.entries == ["out.jsonl"])
    }

    @Test("truncated JSON stops with a position and leaves no output behind")
    func truncated() throws {
        let temp = TempDirectory()
        defer { temp.cleanup() }
        let full = try String(contentsOfFile: Fixture.path("flyrae-sample.json"), encoding: .utf8)
        let cut = temp.write("cut.json", String(full.prefix(full.count - 400)))
        let error = datasetError { try DatasetPreparer(options: PrepareOptions()).run(inputs: [PrepareInput(kind: .flyrae, path: cut)], output: temp.file("o.jsonl")) }
        guard case .truncated(let at)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(at.record == 6)
        #expect(temp.entries == ["cut.json"])
    }

    @Test("the wrong layout for a source is a clear error")
    func wrongLayout() throws {
        let temp = TempDirectory()
        defer { temp.cleanup() }
        let error = datasetError { try DatasetPreparer(options: PrepareOptions()).run(inputs: [PrepareInput(kind: .efaqa, path: Fixture.path("flyrae-sample.json"))], output: temp.file("o.jsonl")) }
        guard case .wrongLayout(.lines, _)? = error else { Issue.record("got \(String(describing: error))"); return }
        let other = datasetError { try DatasetPreparer(options: PrepareOptions()).run(inputs: [PrepareInput(kind: .flyrae, path: Fixture.path("efaqa-sample.jsonl"))], output: temp.file("o.jsonl")) }
        guard case .wrongLayout(.array, _)? = other else { Issue.record("got \(String(describing: other))"); return }
        #expect(temp.entries.isEmpty)
    }

    @Test("malformed records and invalid UTF-8 are counted and reported, or stop with --strict")
    func badRecords() throws {
        let temp = TempDirectory()
        defer { temp.cleanup() }
        var bytes = Array(#"{"md5":"a","title":"睡不着","chats":[{"sender":"audience","value":"试试冥想放松一下","label":{"knowledge":true,"negative":false}}]}"#.utf8) + [0x0A]
        bytes += Array(#"{"md5":"b","chats":[]}"#.utf8) + [0x0A]
        bytes += Array(#"{"md5":"c","title":"坏"#.utf8) + [0xFE] + Array(#"","chats":[]}"#.utf8) + [0x0A]
        bytes += Array("not json\n".utf8)
        let input = temp.write("bad.jsonl", bytes: bytes)
        var options = PrepareOptions()
        options.reader.invalidUTF8 = .skip
        let summary = try DatasetPreparer(options: options).run(inputs: [PrepareInput(kind: .efaqa, path: input)], output: temp.file("o.jsonl"))
        #expect(summary.kept == 1)
        #expect(summary.dropped[.malformedRecord] == 2)
        #expect(summary.dropped[.invalidUTF8] == 1)
        #expect(summary.problemCount == 3)
        #expect(summary.problems.contains { $0.contains("line 2") && $0.contains("missing field title") })
        #expect(summary.problems.contains { $0.contains("invalid UTF-8 at line 3") })

        options.reader.invalidUTF8 = .stop
        let stop = datasetError { try DatasetPreparer(options: options).run(inputs: [PrepareInput(kind: .efaqa, path: input)], output: temp.file("o2.jsonl")) }
        guard case .invalidUTF8(let at)? = stop else { Issue.record("got \(String(describing: stop))"); return }
        #expect(at.line == 3)
        options.strict = true
        options.reader.invalidUTF8 = .skip
        #expect(datasetError { try DatasetPreparer(options: options).run(inputs: [PrepareInput(kind: .efaqa, path: input)], output: temp.file("o3.jsonl")) } != nil)
        #expect(!temp.entries.contains("o2.jsonl") && !temp.entries.contains("o3.jsonl"))
    }

    @Test("generic inputs may be a JSON array")
    func genericArray() throws {
        let temp = TempDirectory()
        defer { temp.cleanup() }
        let input = temp.write("a.json", #"[{"prompt":"怎么放松","completion":"深呼吸，慢慢来"}]"#)
        let summary = try DatasetPreparer(options: PrepareOptions()).run(inputs: [PrepareInput(kind: .generic, path: input)], output: temp.file("o.jsonl"))
        #expect(summary.kept == 1)
    }

    @Test("the writer escapes only what JSON requires")
    func encoder() {
        var out: [UInt8] = []
        JSONLEncoder.appendObject([("k", "引号\"反斜杠\\换行\n制表\t响铃\u{7}😊")], to: &out)
        #expect(String(decoding: out, as: UTF8.self) == #"{"k":"引号\"反斜杠\\换行\n制表\t响铃\u0007😊"}"#)
    }
}

@Suite("prepare internals")
struct PrepareInternalsTests {
    @Test("the output does not depend on the number of workers")
    func workers() throws {
        let temp = TempDirectory()
        defer { temp.cleanup() }
        var lines: [String] = []
        for i in 0..<3000 {
            lines.append(#"{"prompt":"问题\#(i % 700)","completion":"回答\#(i % 350)：多休息，慢慢来。"}"#)
        }
        let input = temp.write("g.jsonl", lines.joined(separator: "\n") + "\n")
        var one = DatasetPreparer(options: PrepareOptions())
        one.workers = 1
        var four = DatasetPreparer(options: PrepareOptions())
        four.workers = 4
        let a = try one.run(inputs: [PrepareInput(kind: .generic, path: input)], output: temp.file("a.jsonl"))
        let b = try four.run(inputs: [PrepareInput(kind: .generic, path: input)], output: temp.file("b.jsonl"))
        #expect(a.kept == b.kept)
        #expect(a.dropped == b.dropped)
        #expect(temp.read("a.jsonl") == temp.read("b.jsonl"))
        #expect(a.kept > 0 && (a.dropped[.exactDuplicate] ?? 0) > 0)
    }

    @Test("the fast fold equals TextNormalizer.fold")
    func folding() {
        for text in ["自殺ＳＬＥＥＰ睡不著", "Hello WORLD\u{200B}！", "ÀÉÎ ĀĒ\u{3000}tab\there", "😊 emoji 𠀀 ext-B", "\u{1}\u{7F}ctl", "離婚後很難過，壓力大"] {
            #expect(Folding.fold(text) == TextNormalizer.fold(text), "\(text)")
        }
    }
}
