import Foundation
import Subprocess
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A child process that runs while the test talks to it (the built server, a browser, a helper
/// that is killed midway), its output lines collected as they arrive.
///
/// Started with swift-subprocess, not Foundation's `Process` (whose `run()` can crash the test
/// process on Linux, docs/testing.md), and never waited for on a cooperative thread. Subprocess
/// ties a child to the `run` call that started it; a test talks to a server across many awaits, so
/// that call runs in a task this handle owns, and `stop()` or `waitForExit` ends it. The child gets
/// a process group of its own, so that a stop also reaches what it started (Chromium's helpers),
/// and what is left of that group when the child ends is killed; children still running when the
/// test process exits are killed then.
package final class ChildProcess: Sendable {
    package let processIdentifier: pid_t
    private let record: ChildRecord

    /// Starts `executable`; returns once it runs, throws when it could not be started.
    package init(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], directory: String? = nil, stdin: String? = nil
    ) async throws {
        var configuration = ChildConfiguration.make(executable, arguments, environment: environment, inheritEnvironment: true, directory: directory)
        configuration.platformOptions.processGroupID = 0
        let record = ChildRecord()
        processIdentifier = try await withCheckedThrowingContinuation { continuation in
            record.launch.withLock { $0 = continuation }
            Task { [configuration] in await ChildRecord.run(configuration, stdin: stdin, record: record) }
        }
        self.record = record
    }

    /// The stdout lines so far (a last line without a newline once the child has exited).
    package var output: [String] { record.out.withLock { $0 } }
    /// The stderr lines so far.
    package var errors: [String] { record.err.withLock { $0 } }
    /// The exit status once the child has exited and its output is read (see `CommandResult.status`).
    package var exitStatus: Int32? { record.exit.withLock { $0 } }
    /// Whether the child still runs (or its last output is still being read).
    package var isRunning: Bool { exitStatus == nil }

    /// Waits until a stdout line satisfies `predicate`; nil on timeout, or when the child exited
    /// without printing one.
    package func waitForLine(timeout: Duration = .seconds(60), _ predicate: (String) -> Bool) async -> String? {
        let deadline = ContinuousClock.now + timeout
        while true {
            let exited = exitStatus != nil
            if let line = output.first(where: predicate) { return line }
            if exited || ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Sends `signal` to the child (not to what it started).
    package func signal(_ signal: Int32) {
        guard exitStatus == nil else { return }
        kill(processIdentifier, signal)
    }

    /// Waits for the child's exit and the end of its output; the status, or nil after `timeout`
    /// (the child and its process group are then killed).
    @discardableResult
    package func waitForExit(timeout: Duration = .seconds(30)) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = exitStatus { return status }
            try? await Task.sleep(for: .milliseconds(20))
        }
        if let status = exitStatus { return status }
        ChildRegistry.kill(processIdentifier)
        return nil
    }

    /// SIGTERM, then SIGKILL (to the whole process group) when the child has not exited within
    /// `timeout`; the exit status, nil when it had to be killed.
    @discardableResult
    package func stop(timeout: Duration = .seconds(30)) async -> Int32? {
        signal(SIGTERM)
        return await waitForExit(timeout: timeout)
    }
}

/// What a child printed and how it ended, shared by the handle and the task that runs it.
final class ChildRecord: Sendable {
    let out = Mutex<[String]>([])
    let err = Mutex<[String]>([])
    let exit = Mutex<Int32?>(nil)
    let launch = Mutex<CheckedContinuation<pid_t, any Error>?>(nil)
    let pid = Mutex<pid_t?>(nil)

    private func launched(_ result: Result<pid_t, any Error>) {
        launch.withLock { continuation in
            continuation?.resume(with: result)
            continuation = nil
        }
    }

    static func run(_ configuration: Configuration, stdin: String?, record: ChildRecord) async {
        do {
            let ended: (ProcessIdentifier, TerminationStatus)
            if let stdin {
                let result = try await Subprocess.run(configuration, input: .string(stdin), output: .sequence, error: .sequence) {
                    await record.collect($0.processIdentifier, $0.standardOutput, $0.standardError)
                }
                ended = (result.processIdentifier, result.terminationStatus)
            } else {
                let result = try await Subprocess.run(configuration, input: .none, output: .sequence, error: .sequence) {
                    await record.collect($0.processIdentifier, $0.standardOutput, $0.standardError)
                }
                ended = (result.processIdentifier, result.terminationStatus)
            }
            // Nothing the child started outlives it (a shell's `sleep`, a browser's helper).
            _ = Glibc.kill(-ended.0.value, SIGKILL)
            ChildRegistry.remove(ended.0.value)
            record.exit.withLock { $0 = ended.1.code }
        } catch {
            // Not started (or, after the start, a failure of Subprocess itself, which has torn the
            // child down: reported as exit -1).
            if let pid = record.pid.withLock({ $0 }) { ChildRegistry.remove(pid) }
            record.launched(.failure(error))
            record.err.withLock { $0.append("subprocess: \(error)") }
            record.exit.withLock { $0 = -1 }
        }
    }

    private func collect(_ identifier: ProcessIdentifier, _ stdout: SubprocessOutputSequence, _ stderr: SubprocessOutputSequence) async {
        pid.withLock { $0 = identifier.value }
        ChildRegistry.add(identifier.value)
        launched(.success(identifier.value))
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await Self.lines(of: stdout) { line in self.out.withLock { $0.append(line) } } }
            group.addTask { await Self.lines(of: stderr) { line in self.err.withLock { $0.append(line) } } }
        }
    }

    private static func lines(of sequence: SubprocessOutputSequence, _ sink: (String) -> Void) async {
        do {
            for try await line in sequence.strings(separatedBy: .unicodeScalarSequence(["\n"]), bufferingPolicy: .unbounded) {
                sink(line)
            }
        } catch {
            // The child is gone and its pipe was closed under the reader: what arrived is kept.
        }
    }
}

/// The children running now, killed when the test process exits: a test that failed before
/// stopping its server must not leave it running after the run.
enum ChildRegistry {
    private static let running = Mutex<Set<pid_t>>([])
    private static let registered = Mutex(false)

    static func add(_ pid: pid_t) {
        running.withLock { _ = $0.insert(pid) }
        let first = registered.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        if first {
            atexit {
                for pid in ChildRegistry.running.withLock({ $0 }) { ChildRegistry.kill(pid) }
            }
        }
    }

    static func remove(_ pid: pid_t) {
        running.withLock { _ = $0.remove(pid) }
    }

    /// SIGKILL to the child's process group and to the child (in case it kept ours).
    static func kill(_ pid: pid_t) {
        guard running.withLock({ $0.contains(pid) }) else { return }
        _ = Glibc.kill(-pid, SIGKILL)
        _ = Glibc.kill(pid, SIGKILL)
    }
}
