import Foundation
import HeartlineTestSupport
import Testing

/// `heartline safety check --crisis-threshold P` (the option threshold sweeps use): a lower
/// threshold turns a message the classifier reads as a concern into a crisis, and a value outside
/// 0…1 is refused with a clear message.
@Suite struct SafetyThresholdBinaryTests {
    @Test func theThresholdOptionChangesTheVerdictAndIsValidated() async throws {
        let text = "tell me something"
        let built = try await run(["safety", "check", text, "--crisis-threshold", "0.92"])
        #expect(built.status == 0 && !built.output.hasPrefix("crisis"), "\(built.output)")
        let low = try await run(["safety", "check", text, "--crisis-threshold", "0.01"])
        #expect(low.status == 0 && low.output.hasPrefix("crisis"), "\(low.output)")
        let invalid = try await run(["safety", "check", text, "--crisis-threshold", "1.5"])
        #expect(invalid.status != 0 && invalid.output.contains("--crisis-threshold must be between 0 and 1"), "\(invalid.output)")
    }

    private func run(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let result = try await runCommand(Binaries.heartline, arguments, timeout: .seconds(60))
        return (result.status, result.stdout + result.stderr)
    }
}
