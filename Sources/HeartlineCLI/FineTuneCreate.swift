import ArgumentParser
import Datasets
import Foundation
import ModelBackends

/// `heartline finetune create`: check, (sample,) upload and start a fine-tuning job, resumably.
struct FineTuneCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Upload training data (purpose=fine-tune) and create a fine-tuning job.",
        discussion: """
        Re-running with the same files does not upload them again, and does not create a second
        job with the same settings unless --new-job is given (state in <data.dir>/finetune/).
        The file is checked first (`heartline dataset check --for-model MODEL`); errors, and a file
        layout the model does not train on, stop the upload. Retired models (babbage-002,
        davinci-002) are refused. OpenAI accepts no new fine-tuning jobs from 2027-01-06; see
        docs/models.md for the open-weight path.
        """
    )

    @Option(name: .customLong("training-file"), help: "Training JSONL file.")
    var trainingFile: String
    @Option(name: .customLong("validation-file"), help: "Validation JSONL file.")
    var validationFile: String?
    @Option(name: .long, help: "Base model (default \(FineTuningTargets.defaultModel), which trains on chat files: `dataset prepare --format chat`).")
    var model = FineTuningTargets.defaultModel
    @Option(name: .long, help: "Suffix of the fine-tuned model's name (1–64 characters).")
    var suffix: String?
    @Option(name: .long, help: "Epochs (1–50; default: the service's choice).")
    var epochs: Int?
    @Option(name: .long, help: "Seed for the job.")
    var seed: Int?
    @Option(name: .customLong("max-cost"), help: "Budget in USD: sample the training file down to it before uploading.")
    var maxCost: Double?
    @Option(name: .customLong("max-bytes"), help: "Size budget (e.g. 200MB): sample the training file down to it before uploading.")
    var maxBytes: String?
    @Flag(name: .customLong("new-job"), help: "Create a job even if one with the same files and settings exists.")
    var newJob = false
    @Flag(name: .customLong("skip-check"), help: "Upload without running the checks first.")
    var skipCheck = false
    @OptionGroup var service: FineTuneOptions

    func validate() throws {
        if let suffix, suffix.isEmpty || suffix.count > 64 { throw ValidationError("--suffix must be 1–64 characters (C.7)") }
        if let epochs, !(1...50).contains(epochs) { throw ValidationError("--epochs must be 1…50 (C.7)") }
        if let seed, !(0...2_147_483_647).contains(seed) { throw ValidationError("--seed must be 0…2147483647") }
    }

    func run() async throws {
        switch FineTuningTargets.verdict(for: model) {
        case .retired(let reason): throw Terminal.fail(reason)
        case .unlisted(_, let note): Terminal.note("warning: " + note)
        case .current: break
        }
        var training = trainingFile
        for path in [trainingFile] + (validationFile.map { [$0] } ?? []) {
            guard FileManager.default.isReadableFile(atPath: path) else { throw Terminal.fail("cannot read \(path)") }
            try checkLayout(path)
            if !skipCheck { try check(path) }
        }
        training = try sampleIfAsked(training)
        try await service.withClient { client, resolved in
            if FineTuningTargets.isOpenAI(baseURL: resolved.openAI.baseURL) {
                let notice = FineTuningTargets.serviceNotice(today: Self.today())
                if notice.closed { throw Terminal.fail(notice.text) }
                Terminal.note(notice.text)
            }
            var state = try FineTuneState.load(dataDirectory: resolved.dataDirectory)
            let trainingID = try await upload(training, client: client, state: &state, dataDirectory: resolved.dataDirectory)
            let validationID: String? = if let validationFile {
                try await upload(validationFile, client: client, state: &state, dataDirectory: resolved.dataDirectory)
            } else {
                nil
            }
            let baseURL = resolved.openAI.baseURL
            if !newJob, let existing = state.jobs.last(where: {
                $0.baseURL == baseURL && $0.trainingFileID == trainingID && $0.validationFileID == validationID
                    && $0.model == model && $0.suffix == suffix && $0.epochs == epochs
            }) {
                print("A job with these files and settings already exists: \(existing.id) (use --new-job for another).")
                print("Next: heartline finetune follow \(existing.id)")
                return
            }
            let job = try await createJob(client: client, trainingID: trainingID, validationID: validationID, baseURL: baseURL, state: &state, dataDirectory: resolved.dataDirectory)
            print("Created fine-tuning job \(job.id) (\(job.status)) on \(model) with \(trainingID)\(validationID.map { " and \($0)" } ?? "").")
            print("Next: heartline finetune follow \(job.id)")
        }
    }

    /// Today as `YYYY-MM-DD` in UTC, for the dated notices.
    static func today(_ date: Date = Date()) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// Even with --skip-check: a file in the wrong layout for the model would only fail at the
    /// service, after a paid upload.
    private func checkLayout(_ path: String) throws {
        let layout: FineTuningTargets.Layout?
        do {
            layout = try TrainingFileReader.layout(path: path)
        } catch {
            throw Terminal.fail("\(error)")
        }
        if let wanted = FineTuningTargets.layout(for: model), let layout, layout != wanted {
            let how = wanted == .chat ? "write one with `heartline dataset prepare --format chat`" : "write one with `heartline dataset prepare`"
            throw Terminal.fail("\(model) trains on \(wanted.rawValue) lines, but \(path) is \(layout.rawValue): \(how), or pass another --model")
        }
    }

    private func check(_ path: String) throws {
        let report: CheckReport
        do {
            var options = TrainingFileChecker.Options()
            options.targetModel = model
            report = try TrainingFileChecker(options: options, screen: SafetyContentScreen.standard()).check(path: path)
        } catch {
            throw Terminal.fail("\(error)")
        }
        guard report.passed else {
            print(CheckReportText.render(report))
            throw Terminal.fail("\(path) has errors; fix them first (`heartline dataset check \(path) --fix`) or pass --skip-check")
        }
    }

    /// With a budget, uploads a seeded sample that fits; without one, refuses files over 512 MB.
    private func sampleIfAsked(_ path: String) throws -> String {
        let byteLimit = try maxBytes.map(DatasetEstimate.parseBytes)
        let size = FileByteSource.size(of: path) ?? 0
        guard maxCost != nil || byteLimit != nil else {
            if size > OpenAIClient.maxUploadBytes {
                throw Terminal.fail("\(path) is \(size) bytes, over the 512 MB upload limit; pass --max-bytes 500MB to upload a sample")
            }
            return path
        }
        let price = PriceTable().price(for: model)
        if maxCost != nil, price == nil { throw Terminal.fail("no price known for \(model); use --max-bytes, or `heartline dataset estimate --price`") }
        let estimator = CostEstimator(epochs: epochs ?? 4, pricePerThousand: price)
        do {
            let full = try estimator.estimate(path: path)
            let fits = (maxCost.map { (full.cost ?? .infinity) <= $0 } ?? true) && (byteLimit.map { full.bytes <= $0 } ?? true) && full.bytes <= OpenAIClient.maxUploadBytes
            if fits { return path }
            let target = (path.hasSuffix(".jsonl") ? String(path.dropLast(6)) : path) + ".sample.jsonl"
            let sample = try estimator.sample(path: path, output: target, budget: .init(maxCost: maxCost, maxBytes: min(byteLimit ?? .max, OpenAIClient.maxUploadBytes)))
            print("Sampled \(sample.examples) of \(full.examples) examples (\(sample.bytes) bytes) to fit the budget → \(target)")
            return target
        } catch {
            throw Terminal.fail("\(error)")
        }
    }

    private func upload(_ path: String, client: OpenAIClient, state: inout FineTuneState, dataDirectory: String) async throws -> String {
        let fingerprint: Fingerprint
        do {
            fingerprint = try Fingerprint.ofFile(path: path)
        } catch {
            throw Terminal.fail("\(error)")
        }
        let key = client.configuration.baseURL + " " + fingerprint.hex
        if let known = state.uploads[key] {
            let existing: Result<OpenAIFile, OpenAIClientError>
            do {
                existing = .success(try await client.file(id: known.fileID))
            } catch {
                existing = .failure(error)
            }
            switch existing {
            case .success:
                print("Already uploaded: \(path) is \(known.fileID).")
                return known.fileID
            case .failure(.api(let api)) where api.status == 404:
                print("\(known.fileID) is gone on the service; uploading \(path) again.")
            case .failure(let error):
                throw Terminal.fail("checking \(known.fileID): \(serviceMessage(error))")
            }
        }
        let name = (path as NSString).lastPathComponent
        let file: OpenAIFile
        do {
            print("Uploading \(path) (\(FileByteSource.size(of: path) ?? 0) bytes)…")
            file = try await client.uploadFile(path: path, filename: name.hasSuffix(".jsonl") ? name : name + ".jsonl")
        } catch {
            throw Terminal.fail("upload of \(path) failed: \(serviceMessage(error))")
        }
        state.uploads[key] = .init(fileID: file.id, bytes: file.bytes ?? 0, filename: name, uploadedAt: Date())
        try state.save(dataDirectory: dataDirectory)
        print("Uploaded \(path) as \(file.id).")
        return file.id
    }

    /// Creation is not retried blindly (a lost response could mean a second paid job): the
    /// request carries a token in `metadata`, and after a failure the job list is searched for it.
    private func createJob(
        client: OpenAIClient, trainingID: String, validationID: String?, baseURL: String, state: inout FineTuneState, dataDirectory: String
    ) async throws -> FineTuningJob {
        let token = UUID().uuidString.lowercased()
        let request = FineTuningJobRequest(
            model: model, trainingFile: trainingID, validationFile: validationID, suffix: suffix, epochs: epochs, seed: seed,
            metadata: ["heartline_request": token]
        )
        var record = FineTuneState.Job(
            id: "", baseURL: baseURL, model: model, trainingFileID: trainingID, validationFileID: validationID,
            suffix: suffix, epochs: epochs, createdAt: Date(), lastEventID: nil
        )
        state.pendingCreates[token] = record
        try state.save(dataDirectory: dataDirectory)
        let job: FineTuningJob
        do {
            job = try await client.createFineTuningJob(request)
        } catch {
            guard FineTuningFollower.isTransient(error), let adopted = try? await findJob(token: token, client: client) else {
                throw Terminal.fail("creating the job failed: \(serviceMessage(error))")
            }
            print("The service did not answer the create request, but the job exists: adopting it.")
            job = adopted
        }
        record.id = job.id
        state.pendingCreates[token] = nil
        state.jobs.append(record)
        try state.save(dataDirectory: dataDirectory)
        return job
    }

    private func findJob(token: String, client: OpenAIClient) async throws -> FineTuningJob? {
        for _ in 0..<3 {
            if let list = try? await client.listFineTuningJobs(limit: 50) {
                return list.data.first { $0.metadata?["heartline_request"] == token }
            }
            try await Task.sleep(for: .seconds(1))
        }
        return nil
    }
}
