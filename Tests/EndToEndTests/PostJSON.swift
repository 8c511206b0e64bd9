import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

// Starting the binary and the helpers, and waiting for them: HeartlineTestSupport.

/// POSTs JSON with Foundation's URL loading and returns the status and the decoded object.
func postJSON(_ url: String, _ body: String, timeout: TimeInterval = 60) async throws -> (Int, [String: Any]) {
    guard let endpoint = URL(string: url) else { throw URLError(.badURL) }
    var request = URLRequest(url: endpoint)
    request.timeoutInterval = timeout
    request.httpMethod = "POST"
    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    request.httpBody = Data(body.utf8)
    let (data, response) = try await URLSession.shared.data(for: request)
    let status = (response as? HTTPURLResponse)?.statusCode ?? 0
    return (status, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
}
