import Foundation
import AsyncHTTPClient
import ServiceLifecycle

/// Owns the process's one `HTTPClient` and shuts it down after everything that uses it stopped
/// (it is first in the service group, so it is shut down last).
struct HTTPClientService: Service {
    let client: HTTPClient

    func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}
