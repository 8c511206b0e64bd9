import Datasets
import Foundation
import HeartlineTestSupport
import ModelBackends
import Testing

/// Which models can be trained today, the layout each takes, the dated notices, and the refusals
/// through the real binary (nothing uploaded, nothing created).
@Suite("Fine-tuning targets: defaults, retired models, layouts, notices")
struct ModelTargetTests {
    @Test("GPT-3 models and their fine-tunes are refused with the dates and the alternatives")
    func retired() {
        for model in ["babbage-002", "davinci-002", "ft:babbage-002:org:heartline:abc", "ft:davinci-002:org::x1", "curie"] {
            guard case .retired(let reason) = FineTuningTargets.verdict(for: model) else {
                Issue.record("\(model) should be retired")
                continue
            }
            #expect(reason.contains("docs/models.md") && reason.contains("--format chat"), "\(model): \(reason)")
            if model.contains("-002") {
                #expect(reason.contains("2026-10-23"), "\(model): \(reason)")
                if !model.hasPrefix("ft:") { #expect(reason.contains("2024-10-28") && reason.contains("2026-09-28")) }
            }
        }
        #expect(FineTuningTargets.layout(for: "babbage-002") == nil)
    }

    @Test("the gpt-4.1 family trains on chat files; others are warned about, not refused")
    func current() {
        #expect(FineTuningTargets.verdict(for: FineTuningTargets.defaultModel) == .current(layout: .chat))
        #expect(FineTuningTargets.defaultModel.hasPrefix("gpt-4.1-mini"))
        for model in ["gpt-4.1", "gpt-4.1-2025-04-14", "gpt-4.1-nano-2025-04-14", "ft:gpt-4.1-mini-2025-04-14:org:x:1"] {
            #expect(FineTuningTargets.verdict(for: model) == .current(layout: .chat), "\(model)")
        }
        guard case .unlisted(.chat, let note) = FineTuningTargets.verdict(for: "gpt-4o-mini-2024-07-18") else {
            Issue.record("gpt-4o-mini should be unlisted")
            return
        }
        #expect(note.contains("gpt-4.1"))
        #expect(FineTuningTargets.layout(for: "my-own-model") == .chat)
        #expect(FineTuningTargets.layout(for: "babbage-002x") == .chat, "only real snapshots of a retired name match")
    }

    @Test("the notice names every date before the cut-off and closes on 2027-01-06")
    func notice() {
        let before = FineTuningTargets.serviceNotice(today: "2026-12-07")
        #expect(!before.closed)
        for date in ["2027-01-06", "2026-05-07", "2026-07-02"] { #expect(before.text.contains(date)) }
        #expect(FineTuningTargets.serviceNotice(today: "2027-01-05").closed == false)
        #expect(FineTuningTargets.serviceNotice(today: "2027-01-06").closed)
        #expect(FineTuningTargets.serviceNotice(today: "2027-03-01").text.contains("docs/models.md"))
        #expect(FineTuningTargets.isOpenAI(baseURL: "https://api.openai.com/v1"))
        #expect(!FineTuningTargets.isOpenAI(baseURL: "http://127.0.0.1:8081/v1"))
    }

    @Test("dataset check --for-model: a layout mismatch and a retired model are errors")
    func checkerMatchesModel() throws {
        let directory = NSTemporaryDirectory() + "heartline-targets-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let completion = directory + "/c.jsonl"
        let chat = directory + "/m.jsonl"
        try Data(#"{"prompt":"睡不着怎么办\n\n###\n\n","completion":" 先试着放松。 [END]"}"#.utf8 + [0x0A]).write(to: URL(fileURLWithPath: completion))
        try Data(#"{"messages":[{"role":"user","content":"睡不着怎么办"},{"role":"assistant","content":"先试着放松。"}]}"#.utf8 + [0x0A]).write(to: URL(fileURLWithPath: chat))
        func check(_ path: String, _ model: String?) throws -> CheckReport {
            var options = TrainingFileChecker.Options()
            options.targetModel = model
            return try TrainingFileChecker(options: options).check(path: path)
        }
        #expect(try check(chat, FineTuningTargets.defaultModel).finding(.modelFormat) == nil)
        let mismatch = try #require(try check(completion, FineTuningTargets.defaultModel).finding(.modelFormat))
        #expect(mismatch.severity == .error && mismatch.message.contains("--format chat"))
        #expect(try check(completion, nil).finding(.modelFormat) == nil, "without --for-model nothing changes")
        let retired = try #require(try check(completion, "babbage-002").finding(.retiredModel))
        #expect(retired.severity == .error)
        #expect(try TrainingFileReader.layout(path: completion) == .promptCompletion)
        #expect(try TrainingFileReader.layout(path: chat) == .chat)
    }

    @Test("the server line never shows credentials")
    func redaction() {
        #expect(ModelServerStatus.redacted("https://user:secret@llm.example.org/v1?key=abc") == "https://llm.example.org/v1")
        #expect(ModelServerStatus.redacted("http://127.0.0.1:8081/v1") == "http://127.0.0.1:8081/v1")
        #expect(ModelServerStatus.redacted("not a url") == "(invalid URL)")
    }

    @Test("through the binary: retired models, mismatched files and the defaults")
    func binary() async throws {
        let fake = FakeOpenAI()
        let directory = NSTemporaryDirectory() + "heartline-targets-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fixtures = RecipeEndToEndTests.fixtures
        try await fake.run { port in
            let run = { (arguments: [String]) in try await RecipeEndToEndTests.run(arguments, in: directory, port: port) }
            let prepare = try await run(["dataset", "prepare", "--flyrae", fixtures + "/flyrae-sample.json", "-o", "pc.jsonl", "--quiet"])
            #expect(prepare.status == 0, "\(prepare.stderr)")

            let retired = try await run(["finetune", "create", "--training-file", "pc.jsonl", "--model", "babbage-002"])
            #expect(retired.status != 0)
            for date in ["2024-10-28", "2026-09-28", "2026-10-23"] { #expect(retired.stderr.contains(date), "\(retired.stderr)") }
            #expect(retired.stderr.contains("docs/models.md"))

            let mismatch = try await run(["finetune", "create", "--training-file", "pc.jsonl", "--skip-check"])
            #expect(mismatch.status != 0)
            #expect(mismatch.stderr.contains("trains on chat lines") && mismatch.stderr.contains("--format chat"), "\(mismatch.stderr)")
            #expect(fake.with { $0.uploads.count } == 0 && fake.with { $0.createCalls } == 0, "nothing uploaded, no job")

            let check = try await run(["dataset", "check", "pc.jsonl", "--for-model", "gpt-4.1-mini-2025-04-14"])
            #expect(check.status != 0)
            #expect(check.stdout.contains("[model_format]"))
            let plainCheck = try await run(["dataset", "check", "pc.jsonl"])
            #expect(!plainCheck.stdout.contains("[model_format]"))

            let estimate = try await run(["dataset", "estimate", "pc.jsonl"])
            #expect(estimate.status == 0, "\(estimate.stderr)")
            #expect(estimate.stdout.contains("for gpt-4.1-mini-2025-04-14 at USD 0.0050"), "\(estimate.stdout)")
            #expect(estimate.stdout.contains("trains on chat lines"), "the estimate warns about the layout")
            let old = try await run(["dataset", "estimate", "pc.jsonl", "--model", "davinci-002"])
            #expect(old.status != 0 && old.stderr.contains("2026-09-28"))

            let ask = try await RecipeEndToEndTests.run(["ask", "--model", "some-model", "我最近总是失眠怎么办"], in: directory, port: 1)
            #expect(ask.status == 0, "a model server that is down does not stop ask: \(ask.stderr)")
            #expect(ask.stderr.contains("model server: http://127.0.0.1:1/v1") && ask.stderr.contains("NOT healthy"), "\(ask.stderr)")
            #expect(!ask.stdout.isEmpty, "the fallback still answers")
        }
    }
}
