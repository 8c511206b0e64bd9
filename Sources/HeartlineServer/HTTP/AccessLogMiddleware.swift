import Foundation
import ChatCore
import Hummingbird
import Logging

/// One log line per request: method, path (no query string: it may carry signatures), status and
/// latency. Never bodies, headers or query parameters.
struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            log(request, status: Int(response.status.code), started: started)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            log(request, status: Int(status), started: started)
            throw error
        }
    }

    private func log(_ request: Request, status: Int, started: ContinuousClock.Instant) {
        logger.info(
            "request",
            metadata: [
                "http.method": "\(request.method.rawValue)",
                "http.path": "\(request.uri.path)",
                "http.status": "\(status)",
                "http.latency_ms": "\((ContinuousClock.now - started).milliseconds)",
            ]
        )
    }
}
