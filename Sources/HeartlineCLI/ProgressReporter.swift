import ArgumentParser
import ChatCore
import Foundation

/// Progress of long dataset runs on standard error: a bar redrawn in place on a terminal,
/// a line every few seconds otherwise (logs, CI), nothing with `--quiet`.
final class ProgressReporter {
    private let enabled: Bool
    private let interactive: Bool
    private var lastDraw = ContinuousClock.now - .seconds(60)
    private let started = ContinuousClock.now
    private let interval: Duration
    private var drewBar = false

    init(quiet: Bool) {
        enabled = !quiet
        interactive = isatty(STDERR_FILENO) == 1
        interval = interactive ? .milliseconds(100) : .seconds(5)
    }

    /// `done`/`total` in bytes; `detail` is appended (records, kept…).
    func update(label: String, done: Int, total: Int, detail: String, force: Bool = false) {
        guard enabled else { return }
        let now = ContinuousClock.now
        guard force || now - lastDraw >= interval else { return }
        lastDraw = now
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 0
        let elapsed = (now - started).seconds
        let rate = elapsed > 0 ? Double(done) / elapsed / 1_000_000 : 0
        let percent = String(format: "%5.1f%%", fraction * 100)
        if interactive {
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            FileHandle.standardError.write(Data("\r\u{1B}[2K\(label) \(bar) \(percent) \(String(format: "%.1f", rate)) MB/s \(detail)".utf8))
            drewBar = true
        } else {
            FileHandle.standardError.write(Data("\(label): \(percent) (\(done / 1_000_000) of \(total / 1_000_000) MB, \(String(format: "%.1f", rate)) MB/s) \(detail)\n".utf8))
        }
    }

    /// Ends the bar's line so later output starts on a fresh one.
    func finish() {
        if drewBar {
            FileHandle.standardError.write(Data("\n".utf8))
            drewBar = false
        }
    }
}

enum Terminal {
    /// Prints `error: …` to standard error and returns the exit code to throw (status 1, no usage
    /// text: the input, not the command line, was wrong).
    static func fail(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        return .failure
    }

    static func note(_ message: String) {
        FileHandle.standardError.write(Data("\(message)\n".utf8))
    }
}
