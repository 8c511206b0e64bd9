import ServiceLifecycle

/// Runs `work` every `interval` until graceful shutdown: the loop of the sweeper services (sessions,
/// answer feedback). `atStart` runs it once before the first wait.
func runPeriodically(every interval: Duration, atStart: Bool, _ work: @escaping @Sendable () async -> Void) async throws {
    try? await cancelWhenGracefulShutdown {
        if atStart { await work() }
        while !Task.isCancelled {
            try await Task.sleep(for: interval)
            await work()
        }
    }
}
