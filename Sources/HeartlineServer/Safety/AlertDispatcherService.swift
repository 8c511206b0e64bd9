import Safety
import ServiceLifecycle

/// Runs the alert dispatcher for the life of the service; on shutdown it stops taking alerts and
/// sends what is queued.
struct AlertDispatcherService: Service {
    let dispatcher: AlertDispatcher

    func run() async throws {
        try await withGracefulShutdownHandler {
            await dispatcher.run()
        } onGracefulShutdown: {
            dispatcher.finish()
        }
    }
}
