import ChatCore
import Foundation
import Testing
@testable import Datasets

/// Every check of `dataset check` with a failing and a passing example (docs/protocols.md C.9 for
/// the legacy ones).
@Suite("dataset check")
struct CheckTests {
    static let good = #"{"prompt":"最近总是失眠怎么办\n\n###\n\n","completion":" 试着固定起床时间。 [END]"}"#

    /// A well-formed line for question `i`.
    static func line(_ i: Int, question: String? = nil, answer: String? = nil) -> String {
        let q = question ?? "心情不好怎么办\(i)"
        let a = answer ?? "\(i)：可以出去走走，和朋友聊聊（\(i)）"
        return #"{"prompt":"\#(q)\n\n###\n\n","completion":" \#(a) [END]"}"#
    }

    static func goodFile(_ n: Int = 120) -> String {
        (0..<n).map { line($0) }.joined(separator: "\n") + "\n"
    }

    func check(_ text: String, name: String = "t.jsonl") throws -> CheckReport {
        let temp = TempDirectory()
        defer { temp.cleanup() }
        return try TrainingFileChecker().check(path: temp.write(name, text))
    }

    func check(bytes: [UInt8]) throws -> CheckReport {
        let temp = TempDirectory()
        defer { temp.cleanup() }
        return try TrainingFileChecker().check(path: temp.write("t.jsonl", bytes: bytes))
    }

    @Test("a well-formed file passes with only informational findings")
    func passes() throws {
        let report = try check(Self.goodFile())
        #expect(report.passed)
        #expect(report.examples == 120)
        #expect(report.warnings.isEmpty, "\(report.warnings)")
        #expect(report.finding(.numExamples)?.message.contains("120 prompt-completion pairs") == true)
        #expect(report.finding(.commonPromptSuffix)?.severity == .info)
        #expect(report.finding(.commonCompletionSuffix)?.message.contains("[END]") == true)
    }

    @Test("1 num_examples: advice under 100 examples")
    func numExamples() throws {
        #expect(try check(Self.goodFile(99)).finding(.numExamples)?.message.contains("at least a few hundred") == true)
        #expect(try check(Self.goodFile(100)).finding(.numExamples)?.message.contains("at least a few hundred") == false)
    }

    @Test("2–3 necessary columns: missing is an error, other casing is renamed")
    func necessaryColumns() throws {
        let missing = try check(Self.goodFile(5) + #"{"completion":" x [END]"}"# + "\n" + #"{"prompt":"y\n\n###\n\n"}"# + "\n")
        #expect(missing.finding(.missingPrompt)?.lines == [6])
        #expect(missing.finding(.missingCompletion)?.lines == [7])
        #expect(!missing.passed)
        let cased = try check(#"{"Prompt":"问\n\n###\n\n","Completion":" 答 [END]"}"# + "\n")
        #expect(cased.findings.contains { $0.id == .missingPrompt && $0.severity == .warning })
        #expect(cased.errors.allSatisfy { $0.id != .missingPrompt })
        #expect(try check(Self.goodFile()).finding(.missingPrompt) == nil)
    }

    @Test("4 additional_column")
    func additionalColumn() throws {
        let report = try check(Self.goodFile(3) + #"{"prompt":"问\n\n###\n\n","completion":" 答 [END]","id":7}"# + "\n")
        #expect(report.finding(.additionalColumn)?.lines == [4])
        #expect(report.finding(.additionalColumn)?.message.contains("`id`") == true)
        #expect(try check(Self.goodFile()).finding(.additionalColumn) == nil)
    }

    @Test("5 non_empty_field: empty or null completions")
    func emptyCompletion() throws {
        let report = try check(Self.goodFile(3) + #"{"prompt":"问\n\n###\n\n","completion":""}"# + "\n" + #"{"prompt":"问二\n\n###\n\n","completion":null}"# + "\n")
        #expect(report.finding(.emptyCompletion)?.lines == [4, 5])
        #expect(report.finding(.emptyCompletion)?.severity == .error)
        #expect(try check(Self.goodFile()).finding(.emptyCompletion) == nil)
    }

    @Test("6 format_inferrer: few distinct completions means classification")
    func classification() throws {
        let text = (0..<30).map { Self.line($0, answer: $0 % 2 == 0 ? "正面" : "负面") }.joined(separator: "\n") + "\n"
        let report = try check(text)
        #expect(report.finding(.formatInferrer) != nil)
        #expect(report.finding(.commonCompletionSuffix) == nil, "check 14 is skipped for classification")
        #expect(try check(Self.goodFile()).finding(.formatInferrer) == nil)
    }

    @Test("7 duplicated_rows")
    func duplicates() throws {
        let report = try check(Self.goodFile(3) + Self.line(1) + "\n")
        #expect(report.finding(.duplicatedRows)?.lines == [4])
        #expect(try check(Self.goodFile()).finding(.duplicatedRows) == nil)
    }

    @Test("8 long_examples: over 10,000 characters")
    func longExamples() throws {
        let report = try check(Self.goodFile(3) + Self.line(9, answer: String(repeating: "长", count: 10_000)) + "\n")
        #expect(report.finding(.longExamples)?.lines == [4])
        #expect(try check(Self.goodFile(3) + Self.line(9, answer: String(repeating: "长", count: 9_900)) + "\n").finding(.longExamples) == nil)
    }

    @Test("9–10 lower_case: more than a third upper-case")
    func lowerCase() throws {
        let upper = (0..<5).map { Self.line($0, question: "WHY AM I SAD \($0)", answer: "BECAUSE \($0)") }.joined(separator: "\n") + "\n"
        let report = try check(upper)
        #expect(report.finding(.lowerCasePrompt) != nil)
        #expect(report.finding(.lowerCaseCompletion) != nil)
        let mixed = (0..<5).map { Self.line($0, question: "Why am I sad \($0)", answer: "Because \($0)") }.joined(separator: "\n") + "\n"
        #expect(try check(mixed).finding(.lowerCasePrompt) == nil)
    }

    @Test("11 prompt suffix: identical prompts, no separator, separator inside, long suffix")
    func promptSuffix() throws {
        let identical = (0..<5).map { Self.line(0, answer: "回答\($0)") }.joined(separator: "\n") + "\n"
        #expect(try check(identical).finding(.commonPromptSuffix)?.severity == .error)
        let none = (0..<5).map { #"{"prompt":"问题\#($0)","completion":" 回答\#($0) [END]"}"# }.joined(separator: "\n") + "\n"
        let noneReport = try check(none)
        #expect(noneReport.finding(.commonPromptSuffix)?.message.contains("does not contain a common separator") == true)
        #expect(noneReport.finding(.commonPromptSuffix)?.message.contains(" ->") == true, "legacy suggestion")
        #expect(noneReport.finding(.missingSeparator)?.lineCount == 5)
        let inside = Self.goodFile(3) + Self.line(5, question: "前半\\n\\n###\\n\\n后半") + "\n"
        let insideReport = try check(inside)
        #expect(insideReport.finding(.separatorInside)?.lines == [4])
        #expect(insideReport.finding(.commonPromptSuffix)?.severity == .warning)
        let long = (0..<5).map { #"{"prompt":"问题\#($0) END OF THE QUESTION","completion":" 回答\#($0) [END]"}"# }.joined(separator: "\n") + "\n"
        #expect(try check(long).finding(.commonPromptSuffix)?.message.contains("seems very long") == true)
    }

    @Test("12 common prompt prefix over 12 characters")
    func promptPrefix() throws {
        let text = (0..<5).map { Self.line($0, question: "请以心理咨询师的身份回答下面的问题：第\($0)题") }.joined(separator: "\n") + "\n"
        let finding = try #require(try check(text).finding(.commonPromptPrefix))
        #expect(finding.severity == .warning)
        #expect(finding.fix == .optIn(flag: "--strip-prompt-prefix", what: "remove the prefix from all prompts"))
        let short = (0..<5).map { Self.line($0, question: "问：第\($0)题") }.joined(separator: "\n") + "\n"
        #expect(try check(short).finding(.commonPromptPrefix)?.severity == .info)
    }

    @Test("13 common completion prefix of 5 or more")
    func completionPrefix() throws {
        let text = (0..<5).map { Self.line($0, answer: "咨询师回答：第\($0)条") }.joined(separator: "\n") + "\n"
        #expect(try check(text).finding(.commonCompletionPrefix) != nil)
        #expect(try check(Self.goodFile()).finding(.commonCompletionPrefix) == nil)
    }

    @Test("14 completion suffix: none, identical")
    func completionSuffix() throws {
        let endings = ["。", "！", "吧", "呢", "啊"]
        let text = (0..<5).map { #"{"prompt":"问题\#($0)\n\n###\n\n","completion":" 回答\#($0)\#(endings[$0])"}"# }.joined(separator: "\n") + "\n"
        let report = try check(text)
        #expect(report.finding(.commonCompletionSuffix)?.message.contains("does not contain a common ending") == true)
        #expect(report.finding(.missingStop)?.lineCount == 5)
        let twoSame = Self.line(1, answer: "同一个") + "\n" + Self.line(2, answer: "同一个") + "\n"
        #expect(try check(twoSame).finding(.commonCompletionSuffix)?.severity == .error)
    }

    @Test("15 completion_space_start and the leading space")
    func spaceStart() throws {
        let text = Self.goodFile(3) + #"{"prompt":"问\n\n###\n\n","completion":"没有空格 [END]"}"# + "\n"
        let report = try check(text)
        #expect(report.finding(.completionSpaceStart) != nil)
        #expect(report.finding(.missingLeadingSpace)?.lines == [4])
        #expect(try check(Self.goodFile()).finding(.completionSpaceStart) == nil)
    }

    @Test("encoding: invalid UTF-8 with its line, a BOM, CRLF, no final newline, blank lines")
    func encoding() throws {
        var bytes = [0xEF, 0xBB, 0xBF] + Array((Self.line(0) + "\r\n" + Self.line(1) + "\n\n").utf8)
        bytes += Array(#"{"prompt":"坏"#.utf8) + [0xC0, 0xAF] + Array(#"\n\n###\n\n","completion":" 答 [END]"}"#.utf8) + [0x0A]
        bytes += Array(Self.line(2).utf8)
        let report = try check(bytes: bytes)
        #expect(report.finding(.byteOrderMark)?.severity == .error)
        #expect(report.finding(.lineEndings)?.lines == [1])
        #expect(report.finding(.blankLines)?.lines == [3])
        #expect(report.finding(.invalidUTF8)?.lines == [4])
        #expect(report.finding(.finalNewline) != nil)
        let clean = try check(Self.goodFile())
        for id in [CheckID.byteOrderMark, .lineEndings, .blankLines, .invalidUTF8, .finalNewline] { #expect(clean.finding(id) == nil) }
    }

    @Test("one JSON object per line; a JSON array file; non-string fields")
    func structure() throws {
        let report = try check(Self.goodFile(2) + "not json\n" + #"{"prompt":"a\n\n###\n\n","completion":" b [END]"} {"x":1}"# + "\n" + "[1,2]\n" + #"{"prompt":1,"completion":" b [END]"}"# + "\n")
        #expect(report.finding(.notJSONObject)?.lines == [3, 4, 5])
        #expect(report.finding(.fieldTypes)?.lines == [6])
        let array = try check("[\n" + Self.line(0) + ",\n" + Self.line(1) + "\n]\n")
        #expect(array.finding(.jsonArrayFile) != nil)
        #expect(!array.passed)
    }

    @Test("literal \\uXXXX text and escaped non-ASCII")
    func escapes() throws {
        let literal = try check(Self.goodFile(2) + Self.line(5, answer: #"\\u4f60\\u597d"#) + "\n")
        #expect(literal.finding(.unicodeEscapes)?.lines == [3])
        let escaped = try check(Self.goodFile(2) + #"{"prompt":"\u4f60\u597d\n\n###\n\n","completion":" \u597d [END]"}"# + "\n")
        #expect(escaped.finding(.escapedNonASCII)?.lines == [3])
        #expect(escaped.finding(.unicodeEscapes) == nil)
        #expect(try check(Self.goodFile() + #"{"prompt":"tab\u0009\n\n###\n\n","completion":" x [END]"}"# + "\n").finding(.escapedNonASCII) == nil)
    }

    @Test("the stop sequence: missing, and inside a completion")
    func stop() throws {
        let report = try check(Self.goodFile(2) + #"{"prompt":"问\n\n###\n\n","completion":" 答"}"# + "\n" + Self.line(7, answer: "前 [END] 后") + "\n")
        #expect(report.finding(.missingStop)?.lines == [3])
        #expect(report.finding(.stopInside)?.lines == [4])
        #expect(try check(Self.goodFile()).finding(.missingStop) == nil)
    }

    @Test("empty questions and answers")
    func emptyFields() throws {
        let report = try check(Self.goodFile(2) + #"{"prompt":"\n\n###\n\n","completion":" 答 [END]"}"# + "\n" + #"{"prompt":"问\n\n###\n\n","completion":"  [END]"}"# + "\n")
        #expect(report.finding(.emptyPrompt)?.lines == [3])
        #expect(report.finding(.emptyAnswer)?.lines == [4])
        #expect(try check(Self.goodFile()).finding(.emptyAnswer) == nil)
    }

    @Test("crisis content in completions is an error, in prompts a warning")
    func crisis() throws {
        let report = try check(Self.goodFile(2) + Self.line(8, answer: "可以试试割腕") + "\n" + Self.line(9, question: "我不想活了") + "\n")
        #expect(report.finding(.crisisCompletion)?.lines == [3])
        #expect(report.finding(.crisisCompletion)?.severity == .error)
        #expect(report.finding(.crisisPrompt)?.lines == [4])
        #expect(try check(Self.goodFile()).finding(.crisisCompletion) == nil)
    }

    @Test("chat files: valid messages pass, broken ones and mixed formats fail")
    func chat() throws {
        let good = (0..<3).map { #"{"messages":[{"role":"system","content":"s"},{"role":"user","content":"问\#($0)"},{"role":"assistant","content":"答\#($0)"}]}"# }.joined(separator: "\n") + "\n"
        let report = try check(good)
        #expect(report.passed, "\(report.errors)")
        #expect(report.format == "chat")
        let bad = good + #"{"messages":[{"role":"user","content":"只有问题"}]}"# + "\n" + #"{"messages":[{"role":"robot","content":"x"}]}"# + "\n" + Self.line(1) + "\n"
        let badReport = try check(bad)
        #expect(badReport.finding(.chatFormat)?.lines == [4, 5])
        #expect(badReport.finding(.mixedFormats)?.lines == [6])
    }

    @Test("file checks: extension and size")
    func fileChecks() throws {
        #expect(try check(Self.goodFile(), name: "t.txt").finding(.fileExtension) != nil)
        #expect(try check(Self.goodFile()).finding(.fileExtension) == nil)
        let temp = TempDirectory()
        defer { temp.cleanup() }
        var options = TrainingFileChecker.Options()
        options.maxFileBytes = 100
        #expect(try TrainingFileChecker(options: options).check(path: temp.write("t.jsonl", Self.goodFile())).finding(.fileSize)?.severity == .error)
    }

    @Test("--fix writes a corrected copy that passes, and reports what it did")
    func fix() throws {
        let temp = TempDirectory()
        defer { temp.cleanup() }
        var bytes = [0xEF, 0xBB, 0xBF] + Array((Self.goodFile(3)).utf8)
        bytes += Array((#"{"Prompt":"没有分隔符","completion":"没有空格也没有结束","id":3}"# + "\r\n").utf8)
        bytes += Array((Self.line(1) + "\n").utf8)  // duplicate
        bytes += Array((#"{"prompt":"转义\n\n###\n\n","completion":" \\u4f60\\u597d [END]"}"# + "\n").utf8)
        bytes += Array((Self.line(8, answer: "可以试试割腕") + "\n\n").utf8)
        bytes += Array("garbage\n".utf8) + [0xFF, 0x0A]
        bytes += Array((#"{"prompt":"问\n\n###\n\n","completion":""}"# + "\n").utf8)
        let input = temp.write("in.jsonl", bytes: bytes)
        let before = try TrainingFileChecker().check(path: input)
        #expect(!before.passed)
        let summary = try TrainingFileFixer().fix(path: input, output: temp.file("fixed.jsonl"))
        #expect(summary.kept == 5)
        #expect(summary.dropped[.duplicatedRows] == 1)
        #expect(summary.dropped[.crisisCompletion] == 1)
        #expect(summary.dropped[.blankLines] == 1)
        #expect(summary.dropped[.notJSONObject] == 1)
        #expect(summary.dropped[.invalidUTF8] == 1)
        #expect(summary.dropped[.emptyCompletion] == 1)
        #expect(summary.changed[.byteOrderMark] == 1)
        #expect(summary.changed[.missingSeparator] == 1)
        #expect(summary.changed[.missingStop] == 1)
        #expect(summary.changed[.unicodeEscapes] == 1)
        let after = try TrainingFileChecker().check(path: temp.file("fixed.jsonl"))
        #expect(after.passed, "\(after.errors)")
        #expect(after.warnings.filter { $0.id != .numExamples }.isEmpty, "\(after.warnings)")
        let text = try #require(temp.read("fixed.jsonl"))
        #expect(text.contains(#"{"prompt":"没有分隔符\n\n###\n\n","completion":" 没有空格也没有结束 [END]"}"#))
        #expect(text.contains(" 你好 [END]"))
        #expect(FileManager.default.contents(atPath: input).map(Array.init) == bytes, "the input is untouched")
    }

    @Test("--fix opt-ins: lowercase and common prefixes")
    func fixOptIns() throws {
        let temp = TempDirectory()
        defer { temp.cleanup() }
        let input = temp.write("in.jsonl", (0..<3).map { Self.line($0, question: "请回答下面的问题 PLEASE: Q\($0)") }.joined(separator: "\n") + "\n")
        var options = TrainingFileFixer.Options()
        options.lowercase = true
        options.stripPromptPrefix = "请回答下面的问题 "
        _ = try TrainingFileFixer(options: options).fix(path: input, output: temp.file("o.jsonl"))
        let text = try #require(temp.read("o.jsonl"))
        #expect(text.contains(#""prompt":"please: q0\n\n###\n\n""#))
    }

    @Test("--fix refuses to overwrite its input and writes nothing when nothing survives")
    func fixRefusals() throws {
        let temp = TempDirectory()
        defer { temp.cleanup() }
        let input = temp.write("in.jsonl", "garbage\n")
        #expect(datasetError { try TrainingFileFixer().fix(path: input, output: input) } != nil)
        guard case .emptyOutput? = datasetError({ try TrainingFileFixer().fix(path: input, output: temp.file("o.jsonl")) }) else {
            Issue.record("expected emptyOutput")
            return
        }
        #expect(temp.entries == ["in.jsonl"])
    }
}
