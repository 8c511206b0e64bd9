import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A fake OpenAI files / fine-tuning / completions API on loopback, as strict as the real one
/// where it matters (docs/protocols.md C.5–C.7): bearer key, multipart with `purpose=fine-tune` and a
/// `.jsonl` file part, JSON bodies, error objects, events newest first with `after` paging.
final class FakeOpenAI: Sendable {
    struct Step: Sendable {
        var status: String
        var events: [(String, String, [String: Double]?)] = []
        var fineTunedModel: String? = nil
        var error: (code: String, message: String)? = nil
    }

    struct Upload: Sendable {
        var id: String
        var filename: String
        var purpose: String
        var bytes: [UInt8]
    }

    struct Job: Sendable {
        var id: String
        var model: String
        var trainingFile: String
        var validationFile: String?
        var status = "validating_files"
        var fineTunedModel: String?
        var error: (code: String, message: String)?
        var metadata: [String: String]?
        var createdAt: Int
    }

    struct CompletionCall: Sendable {
        var model: String
        var prompt: String
        var stop: [String]?
    }

    struct ChatCall: Sendable {
        var model: String
        var messages: [[String: String]]
    }

    struct Event: Sendable {
        var id: String
        var createdAt: Int
        var level: String
        var message: String
        var data: [String: Double]?
    }

    struct State: Sendable {
        var uploads: [Upload] = []
        var jobs: [Job] = []
        var events: [String: [Event]] = [:]
        var scripts: [String: [Step]] = [:]
        var defaultScript: [Step] = []
        var dropEventRequests = 0
        var droppedEventRequests = 0
        var eventRequests = 0
        var dropCreateResponse = false
        var createCalls = 0
        var completions: [CompletionCall] = []
        var chats: [ChatCall] = []
        var modelListRequests = 0
        var clock = 1_700_000_000
        var nextID = 1
    }

    let key = "sk-test-key"
    let completionAnswer = "先把担心的事写下来，再试着慢慢呼吸。"
    let state = Mutex(State())

    func with<T>(_ body: (inout State) -> T) -> T { state.withLock { body(&$0) } }

    // MARK: Server

    /// Runs the fake on 127.0.0.1 on a free port for the duration of `body`.
    func run<T: Sendable>(_ body: @Sendable (Int) async throws -> T) async throws -> T {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "fake-openai")
        logger.logLevel = .critical
        let app = Application(
            router: router(),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) },
            logger: logger
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            do {
                let result = try await body(port)
                group.cancelAll()
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/v1/files") { request, _ in try await self.upload(request) }
        router.get("/v1/files/:id") { request, context in
            guard self.authorized(request) else { return Self.error(401, "invalid_api_key", "Incorrect API key provided.") }
            let id = try context.parameters.require("id")
            guard let upload = self.with({ $0.uploads.first { $0.id == id } }) else { return Self.error(404, nil, "No such File object: \(id)") }
            return Self.json(self.fileObject(upload))
        }
        router.post("/v1/fine_tuning/jobs") { request, _ in try await self.createJob(request) }
        router.get("/v1/fine_tuning/jobs") { request, _ in
            guard self.authorized(request) else { return Self.error(401, "invalid_api_key", "Incorrect API key provided.") }
            let limit = request.uri.queryParameters["limit"].flatMap { Int($0) } ?? 20
            let jobs = self.with { $0.jobs.reversed() as [Job] }
            var list = jobs
            if let after = request.uri.queryParameters["after"].map(String.init), let index = jobs.firstIndex(where: { $0.id == after }) {
                list = Array(jobs[(index + 1)...])
            }
            let page = Array(list.prefix(limit))
            return Self.json(["object": "list", "data": page.map(self.jobObject), "has_more": list.count > page.count])
        }
        router.get("/v1/fine_tuning/jobs/:id") { request, context in
            guard self.authorized(request) else { return Self.error(401, "invalid_api_key", "Incorrect API key provided.") }
            let id = try context.parameters.require("id")
            guard let job = self.advance(id) else { return Self.error(404, "fine_tune_not_found", "No such fine-tuning job: \(id)") }
            return Self.json(self.jobObject(job))
        }
        router.post("/v1/fine_tuning/jobs/:id/cancel") { request, context in
            guard self.authorized(request) else { return Self.error(401, "invalid_api_key", "Incorrect API key provided.") }
            let id = try context.parameters.require("id")
            let job: Job? = self.with { state in
                guard let index = state.jobs.firstIndex(where: { $0.id == id }) else { return nil }
                if !["succeeded", "failed", "cancelled"].contains(state.jobs[index].status) {
                    state.jobs[index].status = "cancelled"
                    state.scripts[id] = []
                    Self.addEvent(&state, job: id, "Fine-tuning job cancelled", "info", nil)
                }
                return state.jobs[index]
            }
            guard let job else { return Self.error(404, "fine_tune_not_found", "No such fine-tuning job: \(id)") }
            return Self.json(self.jobObject(job))
        }
        router.get("/v1/fine_tuning/jobs/:id/events") { request, context in try self.events(request, context) }
        router.post("/v1/completions") { request, _ in try await self.completion(request) }
        router.post("/v1/chat/completions") { request, _ in try await self.chatCompletion(request) }
        router.get("/v1/models") { request, _ in
            guard self.authorized(request) else { return Self.error(401, "invalid_api_key", "Incorrect API key provided.") }
            let models = self.with { state in
                state.modelListRequests += 1
                return Self.baseModels + state.jobs.compactMap(\.fineTunedModel)
            }
            return Self.json(["object": "list", "data": models.map { ["id": $0, "object": "model", "created": 1, "owned_by": "system"] }])
        }
        return router
    }

    func authorized(_ request: Request) -> Bool {
        request.headers[.authorization] == "Bearer \(key)"
    }

    // MARK: Endpoints

    private func upload(_ request: Request) async throws -> Response {
        guard authorized(request) else { return Self.error(401, "invalid_api_key", "Incorrect API key provided.") }
        guard let contentType = request.headers[.contentType], contentType.hasPrefix("multipart/form-data"),
              let boundary = contentType.components(separatedBy: "boundary=").last, !boundary.isEmpty, boundary != contentType
        else { return Self.error(400, nil, "Content-Type must be multipart/form-data with a boundary") }
        let body = try await request.body.collect(upTo: 64 << 20)
        guard let parts = Multipart.parse(Array(body.readableBytesView), boundary: boundary) else {
            return Self.error(400, nil, "Malformed multipart body")
        }
        guard let purpose = parts.first(where: { $0.name == "purpose" }), purpose.filename == nil else {
            return Self.error(400, nil, "Missing required parameter: 'purpose'.")
        }
        guard String(decoding: purpose.body, as: UTF8.self) == "fine-tune" else { return Self.error(400, nil, "Invalid purpose") }
        guard let file = parts.first(where: { $0.name == "file" }), let filename = file.filename else {
            return Self.error(400, nil, "Missing required parameter: 'file'.")
        }
        guard filename.hasSuffix(".jsonl") else { return Self.error(400, nil, "Invalid file format for Fine-Tuning API. Must be .jsonl") }
        guard !file.body.isEmpty else { return Self.error(400, nil, "The file is empty") }
        for line in file.body.split(separator: 0x0A) where (try? JSONSerialization.jsonObject(with: Data(line))) == nil {
            return Self.error(400, nil, "Invalid file: a line is not JSON")
        }
        let upload = with { state in
            let upload = Upload(id: "file-\(state.nextID)", filename: filename, purpose: "fine-tune", bytes: file.body)
            state.nextID += 1
            state.uploads.append(upload)
            return upload
        }
        return Self.json(fileObject(upload))
    }

    private func createJob(_ request: Request) async throws -> Response {
        guard authorized(request) else { return Self.error(401, "invalid_api_key", "Incorrect API key provided.") }
        guard request.headers[.contentType] == "application/json" else { return Self.error(400, nil, "Content-Type must be application/json") }
        let body = try await request.body.collect(upTo: 1 << 20)
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
              let model = object["model"] as? String, let training = object["training_file"] as? String
        else { return Self.error(400, nil, "model and training_file are required") }
        guard !model.hasPrefix("babbage-002"), !model.hasPrefix("davinci-002") else {
            return Self.error(400, "model_not_available", "Model \(model) is not available for fine-tuning.")
        }
        let validation = object["validation_file"] as? String
        let known = with { state in state.uploads.map(\.id) }
        guard known.contains(training) else { return Self.error(400, "invalid_training_file", "invalid training_file: \(training)") }
        if let validation, !known.contains(validation) { return Self.error(400, "invalid_validation_file", "invalid validation_file: \(validation)") }
        let (job, drop) = with { state in
            state.createCalls += 1
            state.clock += 1
            let job = Job(id: "ftjob-\(state.nextID)", model: model, trainingFile: training, validationFile: validation,
                          metadata: object["metadata"] as? [String: String], createdAt: state.clock)
            state.nextID += 1
            state.jobs.append(job)
            state.scripts[job.id] = state.defaultScript
            Self.addEvent(&state, job: job.id, "Validating training file: \(training)", "info", nil)
            let drop = state.dropCreateResponse
            state.dropCreateResponse = false
            return (job, drop)
        }
        if drop { return Self.dropped() }
        return Self.json(jobObject(job))
    }

    private func events(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        guard authorized(request) else { return Self.error(401, "invalid_api_key", "Incorrect API key provided.") }
        let id = try context.parameters.require("id")
        let drop = with { state in
            state.eventRequests += 1
            if state.dropEventRequests > 0 {
                state.dropEventRequests -= 1
                state.droppedEventRequests += 1
                return true
            }
            return false
        }
        if drop { return Self.dropped() }
        guard let all = with({ $0.events[id] }) else { return Self.error(404, "fine_tune_not_found", "No such fine-tuning job: \(id)") }
        let newestFirst = Array(all.reversed())
        var list = newestFirst[...]
        if let after = request.uri.queryParameters["after"].map(String.init) {
            guard let index = newestFirst.firstIndex(where: { $0.id == after }) else { return Self.error(400, nil, "invalid after") }
            list = newestFirst[(index + 1)...]
        }
        let limit = request.uri.queryParameters["limit"].flatMap { Int($0) } ?? 20
        let page = Array(list.prefix(limit))
        let data: [[String: Any]] = page.map { event in
            ["object": "fine_tuning.job.event", "id": event.id, "created_at": event.createdAt, "level": event.level,
             "message": event.message, "data": event.data.map { $0 as Any } ?? NSNull(), "type": event.data == nil ? "message" : "metrics"]
        }
        return Self.json(["object": "list", "data": data, "has_more": list.count > page.count])
    }

    private func completion(_ request: Request) async throws -> Response {
        guard authorized(request) else { return Self.error(401, "invalid_api_key", "Incorrect API key provided.") }
        let body = try await request.body.collect(upTo: 1 << 20)
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
              let model = object["model"] as? String, let prompt = object["prompt"] as? String
        else { return Self.error(400, nil, "model and prompt are required") }
        with { $0.completions.append(CompletionCall(model: model, prompt: prompt, stop: object["stop"] as? [String])) }
        let models = with { $0.jobs.compactMap(\.fineTunedModel) }
        guard models.contains(model) else { return Self.error(404, "model_not_found", "The model `\(model)` does not exist") }
        guard prompt.hasSuffix("\n\n###\n\n"), (object["stop"] as? [String]) == [" [END]"] else {
            return Self.error(400, nil, "prompt not in the training format")
        }
        return Self.json(["id": "cmpl-1", "object": "text_completion", "created": 1, "model": model,
                          "choices": [["text": " " + completionAnswer, "index": 0, "logprobs": NSNull(), "finish_reason": "stop"]]])
    }

    /// Base models the fake lists and fine-tunes (chat); GPT-3 models are gone, as on the real service.
    static let baseModels = ["gpt-4.1-mini-2025-04-14", "gpt-4.1-2025-04-14", "gpt-4.1-nano-2025-04-14"]

    private func chatCompletion(_ request: Request) async throws -> Response {
        guard authorized(request) else { return Self.error(401, "invalid_api_key", "Incorrect API key provided.") }
        let body = try await request.body.collect(upTo: 1 << 20)
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
              let model = object["model"] as? String, let messages = object["messages"] as? [[String: String]], !messages.isEmpty
        else { return Self.error(400, nil, "model and messages are required") }
        with { $0.chats.append(ChatCall(model: model, messages: messages)) }
        let known = Self.baseModels + with { $0.jobs.compactMap(\.fineTunedModel) }
        guard known.contains(model) else { return Self.error(404, "model_not_found", "The model `\(model)` does not exist") }
        return Self.json(["id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": model,
                          "choices": [["index": 0, "message": ["role": "assistant", "content": completionAnswer], "logprobs": NSNull(), "finish_reason": "stop"]]])
    }

    // MARK: State

    /// Each poll of a job moves it one scripted step.
    private func advance(_ id: String) -> Job? {
        with { state in
            guard let index = state.jobs.firstIndex(where: { $0.id == id }) else { return nil }
            if var script = state.scripts[id], !script.isEmpty {
                let step = script.removeFirst()
                state.scripts[id] = script
                state.jobs[index].status = step.status
                for (message, level, data) in step.events { Self.addEvent(&state, job: id, message, level, data) }
                if let model = step.fineTunedModel { state.jobs[index].fineTunedModel = model }
                if let error = step.error { state.jobs[index].error = error }
            }
            return state.jobs[index]
        }
    }

    static func addEvent(_ state: inout State, job: String, _ message: String, _ level: String, _ data: [String: Double]?) {
        state.clock += 1
        state.events[job, default: []].append(Event(id: "ftevent-\(state.nextID)", createdAt: state.clock, level: level, message: message, data: data))
        state.nextID += 1
    }

    func fileObject(_ upload: Upload) -> [String: Any] {
        ["id": upload.id, "object": "file", "bytes": upload.bytes.count, "created_at": 1_700_000_000, "filename": upload.filename, "purpose": upload.purpose, "status": "processed"]
    }

    func jobObject(_ job: Job) -> [String: Any] {
        var object: [String: Any] = [
            "object": "fine_tuning.job", "id": job.id, "model": job.model, "created_at": job.createdAt, "status": job.status,
            "training_file": job.trainingFile, "validation_file": job.validationFile ?? NSNull(), "fine_tuned_model": job.fineTunedModel ?? NSNull(),
            "finished_at": NSNull(), "organization_id": "org-test", "result_files": [String](), "trained_tokens": job.status == "succeeded" ? 5768 : NSNull(),
            "hyperparameters": ["n_epochs": "auto"], "seed": 0, "metadata": job.metadata ?? NSNull(),
        ]
        if let error = job.error {
            object["error"] = ["code": error.code, "message": error.message, "param": "training_file"]
        } else {
            object["error"] = NSNull()
        }
        return object
    }

    // MARK: Responses

    static func json(_ object: Any) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        return Response(status: .ok, headers: [.contentType: "application/json", HTTPField.Name("x-request-id")!: "req_test"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ status: Int, _ code: String?, _ message: String) -> Response {
        let body: [String: Any] = ["error": ["message": message, "type": "invalid_request_error", "param": NSNull(), "code": code.map { $0 as Any } ?? NSNull()]]
        let data = (try? JSONSerialization.data(withJSONObject: body)) ?? Data()
        return Response(status: .init(code: status), headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    struct Drop: Error {}

    /// Promises a body and breaks the connection half way, like a network drop.
    static func dropped() -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(contentLength: 4096) { writer in
            try await writer.write(ByteBuffer(string: "{\"object\":\"list\",\"da"))
            throw Drop()
        })
    }
}

/// A strict `multipart/form-data` parser (RFC 7578) for the fake.
enum Multipart {
    struct Part {
        var name: String
        var filename: String?
        var body: [UInt8]
    }

    static func parse(_ bytes: [UInt8], boundary: String) -> [Part]? {
        let delimiter = Array("--\(boundary)".utf8)
        let crlf: [UInt8] = [0x0D, 0x0A]
        guard bytes.starts(with: delimiter + crlf) else { return nil }
        var parts: [Part] = []
        var index = delimiter.count + 2
        let separator = crlf + delimiter
        while true {
            guard let headerEnd = find(crlf + crlf, in: bytes, from: index) else { return nil }
            let headers = String(decoding: bytes[index..<headerEnd], as: UTF8.self).components(separatedBy: "\r\n")
            guard let disposition = headers.first(where: { $0.lowercased().hasPrefix("content-disposition: form-data;") }),
                  let name = parameter("name", in: disposition)
            else { return nil }
            let bodyStart = headerEnd + 4
            guard let bodyEnd = find(separator, in: bytes, from: bodyStart) else { return nil }
            parts.append(Part(name: name, filename: parameter("filename", in: disposition), body: Array(bytes[bodyStart..<bodyEnd])))
            let after = bodyEnd + separator.count
            if bytes[after...].starts(with: Array("--\r\n".utf8)) { return after + 4 == bytes.count ? parts : nil }
            guard bytes[after...].starts(with: crlf) else { return nil }
            index = after + 2
        }
    }

    static func parameter(_ key: String, in header: String) -> String? {
        guard let range = header.range(of: "; \(key)=\"") else { return nil }
        let rest = header[range.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard needle.count <= haystack.count, from <= haystack.count - needle.count else { return nil }
        var i = from
        while i <= haystack.count - needle.count {
            if haystack[i] == needle[0], haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
