import ArgumentParser
import ChatCore
import Foundation
import ModelBackends

/// `heartline finetune follow ID`: events oldest first, until the job ends.
struct FineTuneFollow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "follow",
        abstract: "Stream a job's events until it ends; print the fine-tuned model's name on success.",
        discussion: """
        Survives dropped connections and server errors (it retries with backoff) and resumes after
        the last event it printed, also across runs. Exits 0 with the model name when the job
        succeeds, 1 with the reason when it fails or is cancelled.
        """
    )

    @Argument(help: "The job id (ftjob-…).")
    var jobID: String
    @Option(name: .long, help: "Seconds between polls (default 15).")
    var interval: Double = 15
    @Flag(name: .customLong("from-start"), help: "Print every event again, not only those not yet shown.")
    var fromStart = false
    @Flag(name: .long, help: "Print only the fine-tuned model's name.")
    var quiet = false
    @OptionGroup var service: FineTuneOptions

    func run() async throws {
        guard interval > 0 else { throw ValidationError("--interval must be positive") }
        let job: FineTuningJob = try await service.withClient { client, resolved in
            var state = try FineTuneState.load(dataDirectory: resolved.dataDirectory)
            var lastEventID = fromStart ? nil : state.jobs.first { $0.id == jobID }?.lastEventID
            let follower = FineTuningFollower(client: client, pollInterval: .milliseconds(Int64(interval * 1000)))
            let known = state.jobs.contains { $0.id == jobID }
            do {
                return try await follower.follow(jobID: jobID, lastEventID: &lastEventID) { update in
                    report(update)
                    if case .event(let event) = update, known {
                        state.updateJob(jobID) { $0.lastEventID = event.id }
                        try? state.save(dataDirectory: resolved.dataDirectory)
                    }
                }
            } catch let error as OpenAIClientError {
                throw Terminal.fail("following \(jobID) failed: \(serviceMessage(error))")
            }
        }
        switch job.status {
        case "succeeded":
            guard let model = job.fine_tuned_model else { throw Terminal.fail("the job succeeded but names no model") }
            if quiet {
                print(model)
            } else {
                print("Succeeded. Fine-tuned model: \(model)" + (job.trained_tokens.map { " (\($0) trained tokens)" } ?? ""))
                print("Next: heartline ask --model \(model) \"我最近总是失眠怎么办\"   (or set model.name for serve)")
            }
        case "cancelled":
            throw Terminal.fail("job \(jobID) was cancelled")
        default:
            let reason = job.error.map { "\($0.message ?? "no message")" + ($0.code.map { " [\($0)]" } ?? "") + ($0.param.map { " (\($0))" } ?? "") } ?? "no reason given"
            throw Terminal.fail("job \(jobID) \(job.status): \(reason)")
        }
    }

    private func report(_ update: FineTuningFollower.Update) {
        guard !quiet else { return }
        switch update {
        case .event(let event):
            print(Self.line(for: event))
        case .status(let job):
            Terminal.note("status: \(job.status)")
        case .retrying(let error, let wait):
            Terminal.note("connection problem (\(serviceMessage(error))); retrying in \(Int(wait.seconds.rounded())) s")
        }
        fflush(nil)
    }

    static func line(for event: FineTuningEvent) -> String {
        let time = event.created_at.map { Self.formatter.string(from: Date(timeIntervalSince1970: TimeInterval($0))) } ?? "--:--:--"
        var text = "\(time) \(event.level ?? "info") \(event.message ?? "")"
        if let metrics = event.data, let step = metrics.step {
            var parts = ["step \(Int(step))" + (metrics.total_steps.map { "/\(Int($0)) (\(String(format: "%.0f", step / max($0, 1) * 100))%)" } ?? "")]
            if let loss = metrics.train_loss { parts.append(String(format: "train_loss=%.4f", loss)) }
            if let loss = metrics.valid_loss { parts.append(String(format: "valid_loss=%.4f", loss)) }
            if let accuracy = metrics.train_mean_token_accuracy { parts.append(String(format: "train_acc=%.3f", accuracy)) }
            text += (event.message?.isEmpty == false ? " · " : "") + parts.joined(separator: " ")
        }
        return text
    }

    static let formatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter
    }()
}
