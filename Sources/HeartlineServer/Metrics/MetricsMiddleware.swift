import Foundation
import Hummingbird

/// Counts every request by channel (from the path, a fixed set) and status class, and times it.
/// Runs for unmatched paths too (they count as `other`).
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: HeartlineMetrics
    let classifier: HTTPChannel.Classifier

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let channel = classifier.channel(forPath: request.uri.path)
        do {
            let response = try await next(request, context)
            metrics.httpRequest(channel: channel, status: Int(response.status.code), duration: ContinuousClock.now - started)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.httpRequest(channel: channel, status: Int(status), duration: ContinuousClock.now - started)
            throw error
        }
    }
}
