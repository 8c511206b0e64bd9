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
