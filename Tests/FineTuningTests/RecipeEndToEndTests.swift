import Foundation
import HeartlineTestSupport
import Testing

/// The recipe through the real `heartline` binary: prepare (chat) → check for the default model →
/// finetune create (twice: no second upload, no second job) → follow → ask with the fine-tuned
/// chat model, against the fake.
@Suite("The recipe end to end through the binary")
struct RecipeEndToEndTests {
    static let fixtures: String = {
        var url = URL(fileURLWithPath: #filePath)
        url.deleteLastPathComponent()
        url.deleteLastPathComponent()
        return url.appendingPathComponent("Fixtures/datasets").path
    }()

    /// Runs the binary to its end; its environment is only what is given here, so it carries no
    /// real keys.
    static func run(_ arguments: [String], in directory: String, port: Int, environment: [String: String] = [:]) async throws -> CommandResult {
        let binary = try #require(Binaries.locate("heartline"), "build the heartline binary first (swift build --build-tests)")
        return try await runCommand(
            binary, arguments,
            environment: [
                "PATH": "/usr/bin:/bin",
                "HEARTLINE_MODEL_BASE_URL": "http://127.0.0.1:\(port)/v1",
                "HEARTLINE_MODEL_API_KEY": "sk-test-key",
                "HEARTLINE_DATA_DIR": directory + "/.heartline",
            ].merging(environment) { _, new in new },
            inheritEnvironment: false, directory: directory
        )
    }

    @Test("prepare, check, create twice, follow, ask")
    func recipe() async throws {
        let fake = FakeOpenAI()
        let model = "ft:gpt-4.1-mini-2025-04-14:org:heartline:e2e"
        fake.with {
            $0.defaultScript = [
                .init(status: "running", events: [("Fine-tuning job started", "info", nil), ("Step 1/1: training loss=0.3", "info", ["step": 1, "total_steps": 1, "train_loss": 0.3])]),
                .init(status: "succeeded", events: [("New fine-tuned model created: \(model)", "info", nil)], fineTunedModel: model),
            ]
        }
        let directory = NSTemporaryDirectory() + "heartline-e2e-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fixtures = Self.fixtures
        try await fake.run { port in
            let prepare = try await Self.run(["dataset", "prepare", "--flyrae", fixtures + "/flyrae-sample.json", "--efaqa", fixtures + "/efaqa-sample.jsonl.gz", "-o", "train.jsonl", "--format", "chat", "--quiet"], in: directory, port: port)
            #expect(prepare.status == 0, "\(prepare.stderr)")
            #expect(prepare.stdout.contains("Kept 11 pair(s)"))
            #expect(prepare.stdout.contains("SOS threads"))

            let check = try await Self.run(["dataset", "check", "train.jsonl", "--for-model", "gpt-4.1-mini-2025-04-14"], in: directory, port: port)
            #expect(check.status == 0, "\(check.stdout)")
            #expect(check.stdout.contains("OK: no errors"))

            let create = try await Self.run(["finetune", "create", "--training-file", "train.jsonl", "--suffix", "heartline", "--epochs", "2"], in: directory, port: port)
            #expect(create.status == 0, "\(create.stderr)")
            #expect(create.stdout.contains("on gpt-4.1-mini-2025-04-14"), "the default is a model that can be trained today")
            #expect(!create.stderr.contains("2027-01-06"), "the OpenAI notice is for OpenAI's own API, not this service")
            #expect(fake.with { $0.jobs.first?.model } == "gpt-4.1-mini-2025-04-14")
            let jobID = try #require(create.stdout.split(separator: " ").first { $0.hasPrefix("ftjob-") }.map(String.init))
            let again = try await Self.run(["finetune", "create", "--training-file", "train.jsonl", "--suffix", "heartline", "--epochs", "2"], in: directory, port: port)
            #expect(again.status == 0, "\(again.stderr)")
            #expect(again.stdout.contains("Already uploaded"))
            #expect(again.stdout.contains("already exists: \(jobID)"))
            #expect(fake.with { $0.uploads.count } == 1)
            #expect(fake.with { $0.createCalls } == 1)

            let follow = try await Self.run(["finetune", "follow", jobID, "--interval", "0.01"], in: directory, port: port)
            #expect(follow.status == 0, "\(follow.stderr)")
            #expect(follow.stdout.contains("Validating training file"))
            #expect(follow.stdout.contains("step 1/1 (100%) train_loss=0.3000"))
            #expect(follow.stdout.contains("Fine-tuned model: \(model)"))
            let resumed = try await Self.run(["finetune", "follow", jobID, "--interval", "0.01", "--quiet"], in: directory, port: port)
            #expect(resumed.stdout == model + "\n", "only the model name, no old events")

            let list = try await Self.run(["finetune", "list"], in: directory, port: port)
            #expect(list.stdout.contains(jobID) && list.stdout.contains("succeeded"))

            let ask = try await Self.run(["ask", "--model", model, "我最近总是失眠怎么办"], in: directory, port: port, environment: ["HEARTLINE_MODEL_CHAT": "true"])
            #expect(ask.status == 0, "\(ask.stderr)")
            #expect(ask.stdout.contains(fake.completionAnswer))
            #expect(ask.stderr.contains("model server: http://127.0.0.1:\(port)/v1 · /v1/chat/completions · model \(model) · healthy"), "\(ask.stderr)")
            #expect(!ask.stderr.contains(fake.key) && !ask.stdout.contains(fake.key), "the key is never printed")
            #expect(fake.with { $0.modelListRequests } == 1)
            let call = try #require(fake.with { $0.chats.last })
            #expect(call.model == model)
            #expect(call.messages.last == ["role": "user", "content": "我最近总是失眠怎么办"])
        }
    }

    @Test("bad input through the binary: clear messages, non-zero exits, no output file")
    func badInput() async throws {
        let directory = NSTemporaryDirectory() + "heartline-e2e-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        FileManager.default.createFile(atPath: directory + "/cut.json", contents: Data("[{\"ques_id\":\"1\",\"ques_info\":{\"title\":\"t\"".utf8))
        let truncated = try await Self.run(["dataset", "prepare", "--flyrae", "cut.json", "-o", "out.jsonl", "--quiet"], in: directory, port: 1)
        #expect(truncated.status != 0)
        #expect(truncated.stderr.contains("truncated"))
        #expect(truncated.stderr.contains("line 1"))
        let wrong = try await Self.run(["dataset", "prepare", "--efaqa", Self.fixtures + "/flyrae-sample.json", "-o", "out.jsonl", "--quiet"], in: directory, port: 1)
        #expect(wrong.status != 0)
        #expect(wrong.stderr.contains("expected JSON lines"))
        let empty = try await Self.run(["dataset", "prepare", "--flyrae", Self.fixtures + "/flyrae-sample.json", "--min-zan", "1000", "-o", "out.jsonl", "--quiet"], in: directory, port: 1)
        #expect(empty.status != 0)
        #expect(empty.stderr.contains("no pair passed the filters"))
        let entries = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(entries == ["cut.json"], "no partial or temporary output: \(entries)")
        let check = try await Self.run(["dataset", "check", Self.fixtures + "/flyrae-recipe-output.jsonl"], in: directory, port: 1)
        #expect(check.status != 0, "the recipe's own output fails: escapes, no separator, no stop")
        #expect(check.stdout.contains("[separator]") && check.stdout.contains("[escaped_non_ascii]"))
    }
}
