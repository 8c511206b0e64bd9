import Foundation
import Hummingbird

/// `GET /healthz` (the process answers) and `GET /readyz` (store and model loaded, not draining).
enum HealthRoutes {
    struct Health: Encodable {
        var status: String
        var components: [String: String]?
    }

    static func add<Context: RequestContext>(to router: Router<Context>, readiness: Readiness) {
        router.get("/healthz") { _, _ in
            JSONCoding.response(Health(status: "ok"))
        }
        router.get("/readyz") { _, _ in
            let snapshot = readiness.snapshot
            var components = snapshot.components.mapValues { $0 ? "ok" : "down" }
            if snapshot.draining { components["shutdown"] = "draining" }
            let ready = readiness.isReady
            return JSONCoding.response(Health(status: ready ? "ready" : "not_ready", components: components), status: ready ? .ok : .serviceUnavailable)
        }
    }
}
