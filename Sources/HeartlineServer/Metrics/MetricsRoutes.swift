import Foundation
import Hummingbird
import NIOCore

/// `GET /metrics`: the Prometheus text exposition. With a token, only
/// `Authorization: Bearer <token>` gets it (401 otherwise, compared in constant time). Gauges
/// (queue depth, oldest entry, circuit state) are sampled just before rendering.
struct MetricsRoutes: Sendable {
    let metrics: HeartlineMetrics
    let token: String?
    let sample: @Sendable () async -> Void

    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    func add<Context: RequestContext>(to router: Router<Context>) {
        router.get("/metrics") { request, _ -> Response in
            if let token {
                let presented = request.headers[.authorization].flatMap { value -> String? in
                    value.hasPrefix("Bearer ") ? String(value.dropFirst(7)) : nil
                }
                guard let presented, ConstantTime.equals(presented, token) else {
                    return APIError(.unauthorized, "unauthorized", "A valid bearer token is required.").response
                }
            }
            await sample()
            guard let bytes = metrics.render() else {
                return APIError(.notFound, "not_found", "Metrics are exported elsewhere.").response
            }
            return Response(
                status: .ok,
                headers: [.contentType: Self.contentType, .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(bytes: bytes))
            )
        }
    }
}
