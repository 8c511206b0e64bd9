import Foundation
import Logging
import ServiceLifecycle

/// Checks open handoffs every `handoff.checkIntervalMs` and times out those whose user has waited
/// longer than `handoff.timeoutMinutes` (the pipeline also notices it at the user's next message).
struct HandoffTimeoutService: Service, CustomStringConvertible {
    var description: String { "HandoffTimeoutService" }

    let desk: HandoffDesk
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
                await desk.expireOverdue()
            }
        }
    }
}
