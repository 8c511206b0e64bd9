import ArgumentParser
import Foundation
import ModelBackends

/// `heartline finetune list`: recent jobs, newest first.
struct FineTuneList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List fine-tuning jobs, newest first.")

    @Option(name: .long, help: "How many (default 20).")
    var limit = 20
    @Option(name: .long, help: "Continue after this job id (pagination).")
    var after: String?
    @OptionGroup var service: FineTuneOptions

    func run() async throws {
        guard (1...100).contains(limit) else { throw ValidationError("--limit must be 1…100") }
        try await service.withClient { client, _ in
            let page: OpenAIList<FineTuningJob>
            do {
                page = try await client.listFineTuningJobs(after: after, limit: limit)
            } catch {
                throw Terminal.fail(serviceMessage(error))
            }
            if page.data.isEmpty { print("No fine-tuning jobs.") }
            for job in page.data {
                let created = job.created_at.map { FineTuneFollow.formatter.string(from: Date(timeIntervalSince1970: TimeInterval($0))) } ?? "-"
                print("\(job.id)  \(job.status.padding(toLength: 16, withPad: " ", startingAt: 0)) \(job.model ?? "-")  \(created)  \(job.fine_tuned_model ?? "")")
            }
            if page.has_more == true, let last = page.data.last { print("More: heartline finetune list --after \(last.id)") }
        }
    }
}

/// `heartline finetune show ID`.
struct FineTuneShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one fine-tuning job.")

    @Argument(help: "The job id.")
    var jobID: String
    @OptionGroup var service: FineTuneOptions

    func run() async throws {
        try await service.withClient { client, _ in
            let job: FineTuningJob
            do {
                job = try await client.fineTuningJob(id: jobID)
            } catch {
                throw Terminal.fail(serviceMessage(error))
            }
            print("id:               \(job.id)")
            print("status:           \(job.status)")
            print("base model:       \(job.model ?? "-")")
            print("training file:    \(job.training_file ?? "-")")
            print("validation file:  \(job.validation_file ?? "-")")
            print("fine-tuned model: \(job.fine_tuned_model ?? "-")")
            if let tokens = job.trained_tokens { print("trained tokens:   \(tokens)") }
            if let error = job.error, error.message != nil || error.code != nil {
                print("error:            \(error.message ?? "")\(error.code.map { " [\($0)]" } ?? "")\(error.param.map { " (\($0))" } ?? "")")
            }
        }
    }
}

/// `heartline finetune cancel ID`.
struct FineTuneCancel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Cancel a fine-tuning job.")

    @Argument(help: "The job id.")
    var jobID: String
    @OptionGroup var service: FineTuneOptions

    func run() async throws {
        try await service.withClient { client, _ in
            do {
                let job = try await client.cancelFineTuningJob(id: jobID)
                print("\(job.id): \(job.status)")
            } catch {
                throw Terminal.fail(serviceMessage(error))
            }
        }
    }
}
