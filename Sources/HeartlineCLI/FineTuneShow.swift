import ArgumentParser
import Foundation
import ModelBackends

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
