import Foundation
import Synchronization
import Testing

/// The built `heartline` binary and child processes whose output is collected as it arrives.
enum Heartline {
    static var path: String {
        if let override = ProcessInfo.processInfo.environment["HEARTLINE_BINARY"] { return override }
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundleDirectory, bundleDirectory.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("heartline")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url.path }
        }
        return packageRoot + "/.build/debug/heartline"
    }

    static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }
}

final class Child: Sendable {
    let process: Process
    private let out = Mutex<[String]>([])
    private let err = Mutex<[String]>([])

    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:], directory: String? = nil, stdin: String? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let o = Pipe(), e = Pipe(), i = Pipe()
        process.standardOutput = o
        process.standardError = e
        process.standardInput = i
        self.process = process
        Self.collect(o) { [self] line in self.out.withLock { $0.append(line) } }
        Self.collect(e) { [self] line in self.err.withLock { $0.append(line) } }
        try process.run()
        if let stdin { i.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? i.fileHandleForWriting.close()
    }

    private static func collect(_ pipe: Pipe, sink: @escaping @Sendable (String) -> Void) {
        let partial = Mutex("")
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            guard !data.isEmpty else {
                handle.readabilityHandler = nil
                return
            }
            partial.withLock { buffer in
                buffer += String(decoding: data, as: UTF8.self)
                while let newline = buffer.firstIndex(of: "\n") {
                    sink(String(buffer[..<newline]))
                    buffer = String(buffer[buffer.index(after: newline)...])
                }
            }
        }
    }

    var output: [String] { out.withLock { $0 } }
    var errors: [String] { err.withLock { $0 } }

    func waitForLine(timeout: Duration = .seconds(60), _ predicate: (String) -> Bool) async -> String? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = output.first(where: predicate) { return line }
            if !process.isRunning { return output.first(where: predicate) }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// Waits for exit; nil after the timeout (the process is then killed).
    func waitForExit(timeout: Duration = .seconds(120)) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        // Let the pipes drain.
        try? await Task.sleep(for: .milliseconds(100))
        return process.terminationStatus
    }

    func stop() async {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        _ = await waitForExit(timeout: .seconds(30))
    }
}

func scratchDirectory(_ name: String = #function) -> String {
    let path = NSTemporaryDirectory() + "heartline-sim-tests/" + name.filter { $0.isLetter || $0.isNumber } + "-" + UUID().uuidString.prefix(8)
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// `heartline serve` in local mode; returns the child and the simulator's URL it printed.
func startLocalServe(environment: [String: String] = [:]) async throws -> (Child, String) {
    let directory = scratchDirectory()
    let child = try Child(Heartline.path, ["serve", "--port", "0", "--data-dir", directory], environment: environment, directory: directory)
    guard let line = await child.waitForLine(timeout: .seconds(90), { $0.contains("/simulator/") }) else {
        await child.stop()
        throw TestFailure("serve printed no simulator URL; stdout: \(child.output.suffix(5)) stderr: \(child.errors.suffix(5))")
    }
    guard let range = line.range(of: "http://") else { throw TestFailure("no URL in \(line)") }
    return (child, String(line[range.lowerBound...]).trimmingCharacters(in: .whitespaces))
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The suites that run the built binary (servers, chromium) go one at a time, so that they add
/// little load beside the timing-sensitive tests of other targets.
@Suite(.serialized) enum SimulatorEndToEnd {}
