import Foundation

/// The package's built executables (`heartline`, test helpers), found next to the test bundle.
package enum Binaries {
    /// The built executable `name`, or nil when it has not been built. `HEARTLINE_BINARY` overrides
    /// the path of `heartline` (to test an installed or release build).
    package static func locate(_ name: String) -> String? {
        if name == "heartline", let override = ProcessInfo.processInfo.environment["HEARTLINE_BINARY"] { return override }
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [bundleDirectory, bundleDirectory.deletingLastPathComponent()].map { $0.appendingPathComponent(name).path }
            + [packageRoot + "/.build/debug/" + name]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The built executable `name`; where it is missing, the debug build's path, so that starting
    /// it fails with that path in the message.
    package static func path(_ name: String) -> String {
        locate(name) ?? packageRoot + "/.build/debug/" + name
    }

    /// The built `heartline` binary.
    package static var heartline: String { path("heartline") }

    /// The package's root folder (this file is Tests/Support/HeartlineTestSupport/Binaries.swift).
    package static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()
}

/// A fresh folder for one test's files, named after the test.
package func temporaryDirectory(_ name: String = #function) -> String {
    let path = NSTemporaryDirectory() + "heartline-tests/" + name.filter { $0.isLetter || $0.isNumber } + "-" + UUID().uuidString.prefix(8)
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// A failure with a message, for helpers that cannot use `#require`.
package struct TestFailure: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}
