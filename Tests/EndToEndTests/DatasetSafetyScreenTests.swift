import Datasets
import Foundation
import HeartlineTestSupport
import Testing

/// `dataset check` screens completions with the safety layer's detector, which catches slang and
/// obfuscation the keyword screen alone misses.
@Suite struct DatasetSafetyScreenTests {
    @Test(arguments: ["4了算了吧你也别撑了", "我也想过zs算了"])
    func checkFlagsCrisisContentTheKeywordScreenMisses(answer: String) async throws {
        #expect(KeywordContentScreen().screen(answer) == nil, "pick an example only the detector catches")
        let directory = temporaryDirectory("screen\(answer.count)")
        let file = directory + "/train.jsonl"
        let lines = [
            #"{"prompt":"最近很难受\n\n###\n\n","completion":" \#(answer) [END]"}"#,
            #"{"prompt":"考试焦虑\n\n###\n\n","completion":" 先深呼吸，把复习计划拆小一点。 [END]"}"#,
        ]
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let child = try await ChildProcess(Binaries.path("heartline"), ["dataset", "check", file], directory: directory)
        #expect(await child.waitForExit() == 1)
        #expect(child.output.contains { $0.contains("crisis_content.completion") })
    }
}
