import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Locates and runs the built executables (`heartline`, test helpers) next to the test bundle.
enum Binaries {
    static func path(_ name: String) -> String {
        if name == "heartline", let override = ProcessInfo.processInfo.environment["HEARTLINE_BINARY"] { return override }
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundleDirectory, bundleDirectory.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: url.path) { return url.path }
        }
        // Fall back to the package's debug build folder.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/\(name)").path
    }
}

/// A child process whose output lines are collected as they arrive.
final class ChildProcess: Sendable {
    let process: Process
    private let lines = Mutex<[String]>([])
    private let stderrLines = Mutex<[String]>([])

    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:], directory: String? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        self.process = process
        Self.collect(out) { [self] line in self.lines.withLock { $0.append(line) } }
        Self.collect(err) { [self] line in self.stderrLines.withLock { $0.append(line) } }
        try process.run()
    }

    private static func collect(_ pipe: Pipe, sink: @escaping @Sendable (String) -> Void) {
        let partial = Mutex("")
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            guard !data.isEmpty else {
                handle.readabilityHandler = nil
                return
            }
            let text = String(decoding: data, as: UTF8.self)
            partial.withLock { buffer in
                buffer += text
                while let newline = buffer.firstIndex(of: "\n") {
                    let line = String(buffer[..<newline])
                    buffer = String(buffer[buffer.index(after: newline)...])
                    sink(line)
                }
            }
        }
    }

    var output: [String] { lines.withLock { $0 } }
    var errors: [String] { stderrLines.withLock { $0 } }

    /// Waits until a stdout line satisfies `predicate`; nil on timeout or exit.
    func waitForLine(timeout: Duration = .seconds(60), _ predicate: (String) -> Bool) async -> String? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = output.first(where: predicate) { return line }
            if !process.isRunning { return output.first(where: predicate) }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for exit; returns the status, or nil after the timeout (the process is then killed).
    func waitForExit(timeout: Duration = .seconds(30)) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if process.isRunning {
            signal(SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }
}

func temporaryDirectory(_ name: String = #function) -> String {
    let path = NSTemporaryDirectory() + "heartline-e2e/" + name.filter { $0.isLetter || $0.isNumber } + "-" + UUID().uuidString.prefix(8)
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Minimal HTTP POST of JSON with URLSession-free sockets is overkill here: use curl-like
/// Foundation networking.
func postJSON(_ url: String, _ body: String, timeout: TimeInterval = 60) async throws -> (Int, [String: Any]) {
    var request = URLRequest(url: URL(string: url)!)
    request.timeoutInterval = timeout
    request.httpMethod = "POST"
    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    request.httpBody = Data(body.utf8)
    let (data, response) = try await URLSession.shared.data(for: request)
    let status = (response as? HTTPURLResponse)?.statusCode ?? 0
    return (status, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
}
