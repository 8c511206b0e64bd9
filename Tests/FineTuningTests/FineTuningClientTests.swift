import AsyncHTTPClient
import Foundation
import ModelBackends
import NIOHTTP1
import Synchronization
import Testing

/// The files and fine-tuning client and the follower against the fake (docs/protocols.md C.6, C.7).
@Suite("OpenAI files and fine-tuning")
struct FineTuningClientTests {
    static let training = #"{"prompt":"睡不着怎么办\n\n###\n\n","completion":" 试着固定起床时间。 [END]"}"# + "\n"

    /// A client for the fake, with retries as given, shut down after `body`.
    static func withClient<T: Sendable>(port: Int, key: String = "sk-test-key", retries: Int = 2, _ body: (OpenAIClient) async throws -> T) async throws -> T {
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let configuration = OpenAIConfiguration(baseURL: "http://127.0.0.1:\(port)/v1", apiKey: key, maxRetries: retries, requestTimeout: .seconds(10))
        do {
            let result = try await body(OpenAIClient(httpClient: http, configuration: configuration))
            try await http.shutdown()
            return result
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    static func trainingFile(_ name: String = "train.jsonl", text: String = training) -> String {
        let path = NSTemporaryDirectory() + UUID().uuidString + "-" + name
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    @Test("upload: multipart with purpose=fine-tune and a .jsonl file part (C.6)")
    func upload() async throws {
        let fake = FakeOpenAI()
        let path = Self.trainingFile()
        let file = try await fake.run { port in
            try await Self.withClient(port: port) { try await $0.uploadFile(path: path, filename: "train.jsonl") }
        }
        #expect(file.id == "file-1")
        #expect(file.bytes == Self.training.utf8.count)
        let upload = try #require(fake.with { $0.uploads.first })
        #expect(upload.purpose == "fine-tune")
        #expect(upload.filename == "train.jsonl")
        #expect(upload.bytes == Array(Self.training.utf8))
    }

    @Test("the fake is strict: wrong key, wrong file name, missing parts are refused")
    func strictness() async throws {
        let fake = FakeOpenAI()
        let path = Self.trainingFile()
        try await fake.run { port in
            try await Self.withClient(port: port, key: "sk-wrong") { client in
                await #expect(throws: OpenAIClientError.self) { try await client.uploadFile(path: path) }
            }
            try await Self.withClient(port: port) { client in
                do {
                    _ = try await client.uploadFile(path: path, filename: "train.txt")
                    Issue.record("accepted a .txt file")
                } catch {
                    guard case OpenAIClientError.api(let api)? = error as? OpenAIClientError else { Issue.record("got \(error)"); return }
                    #expect(api.status == 400)
                    #expect(api.message.contains(".jsonl"))
                }
                let form = MultipartForm(fields: [], file: (field: "file", filename: "a.jsonl", bytes: Array(Self.training.utf8)))
                await #expect(throws: OpenAIClientError.self) {
                    try await client.send(.POST, "/files", body: form.body, contentType: form.contentType, deadline: .now + .seconds(5))
                }
            }
        }
        #expect(fake.with { $0.uploads.isEmpty })
    }

    @Test("multipart quoting strips characters that would break the header")
    func multipartQuoting() {
        let form = MultipartForm(fields: [("purpose", "fine-tune")], file: (field: "file", filename: "a\"b\r\n.jsonl", bytes: [0x7B, 0x7D]), boundary: "B")
        let text = String(decoding: form.body, as: UTF8.self)
        #expect(text == "--B\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nfine-tune\r\n--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"ab.jsonl\"\r\nContent-Type: application/octet-stream\r\n\r\n{}\r\n--B--\r\n")
        #expect(Multipart.parse(form.body, boundary: "B")?.map(\.name) == ["purpose", "file"])
    }

    @Test("create a job, then read its events across pages, newest first on the wire, oldest first for us")
    func eventsAcrossPages() async throws {
        let fake = FakeOpenAI()
        let path = Self.trainingFile()
        try await fake.run { port in
            try await Self.withClient(port: port) { client in
                let file = try await client.uploadFile(path: path)
                let job = try await client.createFineTuningJob(FineTuningJobRequest(model: "gpt-4.1-mini-2025-04-14", trainingFile: file.id, suffix: "heartline", epochs: 3, metadata: ["k": "v"]))
                #expect(job.status == "validating_files")
                #expect(job.metadata?["k"] == "v")
                fake.with { state in
                    for i in 1...6 { FakeOpenAI.addEvent(&state, job: job.id, "Step \(i)/6", "info", ["step": Double(i), "total_steps": 6, "train_loss": 1.0 / Double(i)]) }
                }
                let page = try await client.fineTuningEvents(id: job.id, limit: 3)
                #expect(page.data.map(\.message) == ["Step 6/6", "Step 5/6", "Step 4/6"])
                #expect(page.has_more == true)
                #expect(page.data.first?.data?.step == 6)
                let all = try await client.newFineTuningEvents(id: job.id, after: nil, pageSize: 3)
                #expect(all.map(\.message) == ["Validating training file: \(file.id)"] + (1...6).map { "Step \($0)/6" })
                let newer = try await client.newFineTuningEvents(id: job.id, after: all[3].id, pageSize: 2)
                #expect(newer.map(\.message) == ["Step 4/6", "Step 5/6", "Step 6/6"])
                let list = try await client.listFineTuningJobs(limit: 5)
                #expect(list.data.map(\.id) == [job.id])
                await #expect(throws: OpenAIClientError.self) {
                    try await client.createFineTuningJob(FineTuningJobRequest(model: "gpt-4.1-mini-2025-04-14", trainingFile: "file-nope"))
                }
            }
        }
    }

    @Test("follow to success: events oldest first, each once, then the model name")
    func followSuccess() async throws {
        let fake = FakeOpenAI()
        fake.with {
            $0.defaultScript = [
                .init(status: "queued", events: [("Files validated, moving job to queued state", "info", nil)]),
                .init(status: "running", events: [("Fine-tuning job started", "info", nil), ("Step 1/2: training loss=0.9", "info", ["step": 1, "total_steps": 2, "train_loss": 0.9])]),
                .init(status: "running", events: [("Step 2/2: training loss=0.4", "info", ["step": 2, "total_steps": 2, "train_loss": 0.4])]),
                .init(status: "succeeded", events: [("New fine-tuned model created: ft:gpt-4.1-mini-2025-04-14:org:heartline:abc", "info", nil), ("The job has successfully completed", "info", nil)], fineTunedModel: "ft:gpt-4.1-mini-2025-04-14:org:heartline:abc"),
            ]
        }
        let path = Self.trainingFile()
        let (job, messages) = try await fake.run { port in
            try await Self.withClient(port: port) { client in
                let file = try await client.uploadFile(path: path)
                let created = try await client.createFineTuningJob(FineTuningJobRequest(model: "gpt-4.1-mini-2025-04-14", trainingFile: file.id))
                let follower = FineTuningFollower(client: client, pollInterval: .milliseconds(1), sleep: { _ in })
                let seen = Mutex<[String]>([])
                var last: String?
                let job = try await follower.follow(jobID: created.id, lastEventID: &last) { update in
                    if case .event(let event) = update { seen.withLock { $0.append(event.message ?? "") } }
                }
                return (job, seen.withLock { $0 })
            }
        }
        #expect(job.status == "succeeded")
        #expect(job.fine_tuned_model == "ft:gpt-4.1-mini-2025-04-14:org:heartline:abc")
        #expect(messages.first?.hasPrefix("Validating training file") == true)
        #expect(messages.last == "The job has successfully completed")
        #expect(messages.count == 7)
        #expect(Set(messages).count == messages.count)
    }

    @Test("follow to failure and to cancellation")
    func followFailureAndCancel() async throws {
        let fake = FakeOpenAI()
        fake.with {
            $0.defaultScript = [.init(status: "failed", events: [("Training file has 1 example(s), but must have at least 10", "error", nil)], error: ("invalid_n_examples", "Training file has 1 example(s), but must have at least 10"))]
        }
        let path = Self.trainingFile()
        try await fake.run { port in
            try await Self.withClient(port: port) { client in
                let file = try await client.uploadFile(path: path)
                let failing = try await client.createFineTuningJob(FineTuningJobRequest(model: "gpt-4.1-mini-2025-04-14", trainingFile: file.id))
                let follower = FineTuningFollower(client: client, pollInterval: .milliseconds(1), sleep: { _ in })
                var last: String?
                let failed = try await follower.follow(jobID: failing.id, lastEventID: &last) { _ in }
                #expect(failed.status == "failed")
                #expect(failed.error?.code == "invalid_n_examples")

                fake.with { $0.defaultScript = [.init(status: "running"), .init(status: "running"), .init(status: "running")] }
                let running = try await client.createFineTuningJob(FineTuningJobRequest(model: "gpt-4.1-mini-2025-04-14", trainingFile: file.id))
                let cancelled = try await client.cancelFineTuningJob(id: running.id)
                #expect(cancelled.status == "cancelled")
                var last2: String?
                let ended = try await follower.follow(jobID: running.id, lastEventID: &last2) { _ in }
                #expect(ended.status == "cancelled")
                // An unknown job is final, not retried forever.
                var last3: String?
                await #expect(throws: OpenAIClientError.self) { try await follower.follow(jobID: "ftjob-missing", lastEventID: &last3) { _ in } }
            }
        }
    }

    @Test("follow survives dropped connections and resumes after the last event, also across runs")
    func resumeAfterDrop() async throws {
        let fake = FakeOpenAI()
        fake.with {
            $0.defaultScript = [
                .init(status: "running", events: [("Fine-tuning job started", "info", nil)]),
                .init(status: "running", events: [("Step 1/1: training loss=0.5", "info", ["step": 1, "total_steps": 1])]),
                .init(status: "succeeded", events: [("The job has successfully completed", "info", nil)], fineTunedModel: "ft:gpt-4.1-mini-2025-04-14:org::x1"),
            ]
        }
        let path = Self.trainingFile()
        try await fake.run { port in
            // No client-level retries: the follower itself must recover.
            try await Self.withClient(port: port, retries: 0) { client in
                let file = try await client.uploadFile(path: path)
                let job = try await client.createFineTuningJob(FineTuningJobRequest(model: "gpt-4.1-mini-2025-04-14", trainingFile: file.id))
                let follower = FineTuningFollower(client: client, pollInterval: .milliseconds(1), sleep: { _ in })

                // First run: sees the validation event, then the connection drops mid-response twice.
                var last: String?
                let first = try await client.newFineTuningEvents(id: job.id, after: last)
                last = first.last?.id
                fake.with { $0.dropEventRequests = 2 }
                let seen = Mutex<[String]>([])
                let retries = Mutex(0)
                let ended = try await follower.follow(jobID: job.id, lastEventID: &last) { update in
                    switch update {
                    case .event(let event): seen.withLock { $0.append(event.message ?? "") }
                    case .retrying: retries.withLock { $0 += 1 }
                    case .status: break
                    }
                }
                #expect(ended.status == "succeeded")
                #expect(retries.withLock { $0 } == 2)
                #expect(fake.with { $0.droppedEventRequests } == 2)
                #expect(seen.withLock { $0 } == ["Fine-tuning job started", "Step 1/1: training loss=0.5", "The job has successfully completed"])
                // A later run from the saved position prints nothing old.
                var saved = last
                let again = Mutex<[String]>([])
                _ = try await follower.follow(jobID: job.id, lastEventID: &saved) { update in
                    if case .event(let event) = update { again.withLock { $0.append(event.message ?? "") } }
                }
                #expect(again.withLock { $0 }.isEmpty)
            }
        }
    }

    @Test("transient and final errors are told apart")
    func transient() {
        #expect(FineTuningFollower.isTransient(.timeout))
        #expect(FineTuningFollower.isTransient(.transport("reset")))
        #expect(FineTuningFollower.isTransient(.api(OpenAIAPIError(status: 503, message: "x"))))
        #expect(FineTuningFollower.isTransient(.api(OpenAIAPIError(status: 429, code: "rate_limit_exceeded", message: "x"))))
        #expect(!FineTuningFollower.isTransient(.api(OpenAIAPIError(status: 429, code: "insufficient_quota", message: "x"))))
        #expect(!FineTuningFollower.isTransient(.api(OpenAIAPIError(status: 404, message: "x"))))
        #expect(!FineTuningFollower.isTransient(.api(OpenAIAPIError(status: 401, message: "x"))))
    }
}
