import Foundation
import Hummingbird

/// `GET /healthz` (the process answers) and `GET /readyz` (store, model and workers up, no recent
/// store failure, not draining). Notes such as `model: degraded` (the primary model's circuit is
/// open; fallbacks answer) are reported without making the service unready.
enum HealthRoutes {
    struct Health: Encodable {
        var status: String
        var components: [String: String]?
    }

    static func add<Context: RequestContext>(
        to router: Router<Context>, readiness: Readiness, refresh: @escaping @Sendable () async -> Void = {}
    ) {
        router.get("/healthz") { _, _ in
            JSONCoding.response(Health(status: "ok"))
        }
        router.get("/readyz") { _, _ in
            await refresh()
            let snapshot = readiness.snapshot
            var components = snapshot.components.mapValues { $0 ? "ok" : "down" }
            for (component, note) in readiness.notes where components[component] != "down" { components[component] = note }
            if snapshot.draining { components["shutdown"] = "draining" }
            let ready = readiness.isReady
            return JSONCoding.response(Health(status: ready ? "ready" : "not_ready", components: components), status: ready ? .ok : .serviceUnavailable)
        }
    }
}
