import Foundation
import Subprocess
import SystemPackage

/// What a command that ran to its end left: its exit status and its output.
package struct CommandResult: Sendable {
    /// The exit code, or the signal's number when a signal ended it (as Foundation's `Process`
    /// reported it).
    package var status: Int32
    package var stdout: String
    /// Empty when the command ran with `combineOutput` (its errors are then in `stdout`).
    package var stderr: String
}

/// Runs `executable` to its end and collects its output, without blocking a thread: swift-subprocess
/// waits for the child through a process descriptor. Past `timeout` the command's process group
/// gets SIGTERM, then SIGKILL five seconds later, and this throws.
///
/// The environment is this process's with `environment` on top, or only `environment` when
/// `inheritEnvironment` is false (a command that must not see the developer's real keys).
package func runCommand(
    _ executable: String, _ arguments: [String], environment: [String: String] = [:], inheritEnvironment: Bool = true,
    directory: String? = nil, stdin: String? = nil, combineOutput: Bool = false, timeout: Duration = .seconds(300)
) async throws -> CommandResult {
    var configuration = ChildConfiguration.make(
        executable, arguments, environment: environment, inheritEnvironment: inheritEnvironment, directory: directory
    )
    // Its own process group, so that a timeout also ends what the command started (a shell's
    // `sleep`). A command that ends by itself may leave a daemon behind on purpose (`pg_ctl start`).
    configuration.platformOptions.processGroupID = 0
    configuration.platformOptions.teardownSequence = [
        .send(signal: .terminate, toProcessGroup: true, allowedDurationToNextStep: .seconds(5)),
        .send(signal: .kill, toProcessGroup: true, allowedDurationToNextStep: .seconds(1)),
    ]
    let limit = 64 << 20
    return try await withThrowingTaskGroup(of: CommandResult?.self) { group in
        group.addTask { [configuration] in
            switch (combineOutput, stdin) {
            case (true, let stdin?):
                let result = try await run(configuration, input: .string(stdin), output: .string(limit: limit), error: .combinedWithOutput)
                return CommandResult(status: result.terminationStatus.code, stdout: result.standardOutput, stderr: "")
            case (true, nil):
                let result = try await run(configuration, output: .string(limit: limit), error: .combinedWithOutput)
                return CommandResult(status: result.terminationStatus.code, stdout: result.standardOutput, stderr: "")
            case (false, let stdin?):
                let result = try await run(configuration, input: .string(stdin), output: .string(limit: limit), error: .string(limit: limit))
                return CommandResult(status: result.terminationStatus.code, stdout: result.standardOutput, stderr: result.standardError)
            case (false, nil):
                let result = try await run(configuration, output: .string(limit: limit), error: .string(limit: limit))
                return CommandResult(status: result.terminationStatus.code, stdout: result.standardOutput, stderr: result.standardError)
            }
        }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        // The first to finish decides; cancelling `run` tears the child down (the sequence above).
        let first = try await group.next() ?? nil
        group.cancelAll()
        guard let first else {
            throw TestFailure("\((executable as NSString).lastPathComponent) \(arguments.prefix(3).joined(separator: " ")) did not finish within \(timeout)")
        }
        return first
    }
}

/// Building a Subprocess configuration from the plain values the tests use.
enum ChildConfiguration {
    static func make(
        _ executable: String, _ arguments: [String], environment: [String: String], inheritEnvironment: Bool, directory: String?
    ) -> Configuration {
        var keyed: [Environment.Key: String] = [:]
        for (key, value) in environment {
            if let key = Environment.Key(rawValue: key) { keyed[key] = value }
        }
        return Configuration(
            executable: .path(FilePath(executable)),
            arguments: Arguments(arguments),
            environment: inheritEnvironment ? .inherit.updating(keyed.mapValues { Optional($0) }) : .custom(keyed),
            workingDirectory: directory.map { FilePath($0) }
        )
    }
}

extension TerminationStatus {
    /// The exit code, or the number of the signal that ended the process.
    var code: Int32 {
        switch self {
        case .exited(let code): code
        case .signaled(let signal): signal
        }
    }
}
