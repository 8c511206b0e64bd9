import Foundation
import HeartlineTestSupport
import Testing

/// The shared child-process support the end-to-end tests stand on: output and status arrive
/// whole, a child that ignores SIGTERM is killed at the deadline with what it started, and a
/// command past its timeout is torn down rather than left to hang the run.
///
/// Deadlines are generous and bounds are far below the children's own sleeps: in a full parallel
/// run on two cores the cooperative threads can be busy for many seconds (docs/testing.md).
@Suite(.timeLimit(.minutes(3))) struct ChildProcessTests {
    @Test func linesOfBothStreamsAndTheExitStatus() async throws {
        let child = try await ChildProcess("/bin/sh", ["-c", "echo one; echo two >&2; printf three; exit 3"])
        #expect(await child.waitForExit() == 3)
        #expect(child.output == ["one", "three"], "a last line without a newline is kept")
        #expect(child.errors == ["two"])
        #expect(!child.isRunning)
    }

    @Test func standardInputAndReadinessLine() async throws {
        let child = try await ChildProcess("/bin/sh", ["-c", "read line; echo \"got $line\"; echo ready; sleep 300"], stdin: "hello\n")
        #expect(await child.waitForLine(timeout: .seconds(60)) { $0 == "ready" } == "ready")
        #expect(child.output.first == "got hello")
        #expect(await child.stop(timeout: .seconds(60)) == SIGTERM, "sh ends on SIGTERM")
        #expect(await eventually(timeout: .seconds(60)) { !Self.isRunning("sleep 300", group: child.processIdentifier) }, "the shell's sleep outlived it")
    }

    @Test func aChildThatIgnoresSIGTERMIsKilledWithWhatItStarted() async throws {
        let child = try await ChildProcess("/bin/sh", ["-c", "trap '' TERM; sleep 300 & echo ready; wait"])
        #expect(await child.waitForLine(timeout: .seconds(60)) { $0 == "ready" } != nil)
        let started = ContinuousClock.now
        #expect(await child.stop(timeout: .milliseconds(500)) == nil, "SIGTERM is ignored: nil, then SIGKILL")
        #expect(await eventually(timeout: .seconds(60)) { child.exitStatus == SIGKILL })
        #expect(ContinuousClock.now - started < .seconds(200), "the `sleep 300` it started did not keep the output open")
        #expect(await eventually(timeout: .seconds(60)) { !Self.isRunning("sleep 300", group: child.processIdentifier) }, "the shell's sleep outlived it")
    }

    @Test func aLineThatNeverComesEndsAtTheChildsExit() async throws {
        let child = try await ChildProcess("/bin/sh", ["-c", "echo other"])
        let started = ContinuousClock.now
        #expect(await child.waitForLine(timeout: .seconds(300)) { $0 == "ready" } == nil)
        #expect(ContinuousClock.now - started < .seconds(200), "no wait for the full timeout once the child is gone")
    }

    @Test func aMissingExecutableThrows() async {
        await #expect(throws: (any Error).self) { try await ChildProcess("/nonexistent/heartline", []) }
    }

    @Test func aCommandPastItsTimeoutIsTornDown() async throws {
        let started = ContinuousClock.now
        let marker = "sleep 301"
        await #expect(throws: TestFailure.self) {
            try await runCommand("/bin/sh", ["-c", "trap '' TERM; \(marker); true"], timeout: .milliseconds(300))
        }
        #expect(ContinuousClock.now - started < .seconds(200))
        #expect(await eventually(timeout: .seconds(60)) { !Self.isRunning(marker, group: nil) }, "the command's sleep outlived the teardown")
    }

    /// Whether a process with this command line runs (in process group `group`, when given),
    /// read from /proc.
    static func isRunning(_ commandLine: String, group: pid_t?) -> Bool {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.contains { entry in
            guard let pid = pid_t(entry), pid != getpid(),
                  let raw = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline")
            else { return false }
            let line = String(decoding: raw, as: UTF8.self).replacingOccurrences(of: "\0", with: " ").trimmingCharacters(in: .whitespaces)
            guard line == commandLine else { return false }
            guard let group else { return true }
            return getpgid(pid) == group
        }
    }

    @Test func aCommandSeesOnlyTheGivenEnvironmentWhenAsked() async throws {
        let result = try await runCommand("/usr/bin/env", [], environment: ["HEARTLINE_PROBE": "1"], inheritEnvironment: false)
        #expect(result.status == 0)
        #expect(result.stdout == "HEARTLINE_PROBE=1\n")
        let combined = try await runCommand("/bin/sh", ["-c", "echo out; echo err >&2; exit 2"], combineOutput: true)
        #expect(combined.status == 2 && combined.stdout.contains("out") && combined.stdout.contains("err") && combined.stderr.isEmpty)
    }
}
