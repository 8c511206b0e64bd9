import Foundation
import ChatCore
import Logging
import ServiceLifecycle

/// Runs the pipeline workers: replays what the inbox holds unanswered, then answers messages
/// until graceful shutdown, when it stops taking new work and drains what is queued.
struct PipelineWorkerService: Service {
    let workers: PipelineWorkers
    let readiness: Readiness
    let logger: Logger

    func run() async throws {
        do {
            try await workers.replayPending()
        } catch {
            logger.error("could not read unanswered messages from the inbox", metadata: ["error": "\(error)"])
        }
        readiness.set("workers", healthy: true)
        await withDiscardingTaskGroup { group in
            group.addTask { await workers.run() }
            group.addTask {
                try? await gracefulShutdown()
                readiness.beginDraining()
                let depth = await workers.queue.depth()
                logger.info("draining queued messages before exit", metadata: ["queue.depth": "\(depth)"])
                await workers.queue.close()
            }
        }
        logger.info("workers stopped")
    }
}
