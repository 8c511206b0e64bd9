import ArgumentParser
import Foundation
import ModelBackends

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
