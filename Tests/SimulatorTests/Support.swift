import Foundation
import HeartlineTestSupport
import Testing

/// `heartline serve` in local mode; returns the child and the simulator's URL it printed.
func startLocalServe(environment: [String: String] = [:]) async throws -> (ChildProcess, String) {
    let directory = temporaryDirectory()
    let child = try await ChildProcess(Binaries.heartline, ["serve", "--port", "0", "--data-dir", directory], environment: environment, directory: directory)
    guard let line = await child.waitForLine(timeout: .seconds(90), { $0.contains("/simulator/") }) else {
        await child.stop()
        throw TestFailure("serve printed no simulator URL; stdout: \(child.output.suffix(5)) stderr: \(child.errors.suffix(5))")
    }
    guard let range = line.range(of: "http://") else { throw TestFailure("no URL in \(line)") }
    return (child, String(line[range.lowerBound...]).trimmingCharacters(in: .whitespaces))
}

/// The suites that run the built binary (servers, chromium) go one at a time, so that they add
/// little load beside the timing-sensitive tests of other targets.
@Suite(.serialized) enum SimulatorEndToEnd {}
