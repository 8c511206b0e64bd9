import ArgumentParser
import ChatCore
import Datasets
import Foundation

/// `heartline dataset check FILE [--fix]`: the legacy prepare_data checks and this project's.
struct DatasetCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a training file (every legacy prepare_data check and more); --fix writes a corrected copy.",
        discussion: "Exits non-zero when a check reports an error. Findings name line numbers, never content."
    )

    @Argument(help: "The JSONL training file.")
    var file: String
    @OptionGroup var promptFormat: DatasetFormatOptions
    @Flag(name: .long, help: "Write a corrected copy (see -o) applying every automatic fix, then check it.")
    var fix = false
    @Option(name: [.short, .long], help: "Where --fix writes (default: FILE with .fixed.jsonl).")
    var output: String?
    @Flag(name: .long, help: "With --fix: lower-case prompts and completions (legacy checks 9–10).")
    var lowercase = false
    @Flag(name: .customLong("strip-prompt-prefix"), help: "With --fix: remove the common prompt prefix (legacy check 12).")
    var stripPromptPrefix = false
    @Flag(name: .customLong("strip-completion-prefix"), help: "With --fix: remove the common completion prefix (legacy check 13).")
    var stripCompletionPrefix = false
    @Option(name: .customLong("for-model"), help: "The model the file is for: its layout must match (chat models need --format chat files); retired models are refused.")
    var forModel: String?
    @Flag(name: .long, help: "Treat warnings as errors for the exit status.")
    var strict = false
    @Flag(name: .long, help: "Print the report as JSON.")
    var json = false

    func run() async throws {
        let format = try await promptFormat.promptFormat()
        var options = TrainingFileChecker.Options()
        options.format = format
        options.targetModel = forModel
        let checker = TrainingFileChecker(options: options, screen: SafetyContentScreen.standard())
        let report: CheckReport
        do {
            report = try checker.check(path: file)
        } catch {
            throw Terminal.fail("\(error)")
        }
        if !fix {
            emit(report)
            if !report.passed || (strict && !report.warnings.isEmpty) { throw ExitCode.failure }
            return
        }
        let target = output ?? Self.fixedPath(for: file)
        var fixOptions = TrainingFileFixer.Options()
        fixOptions.format = format
        fixOptions.lowercase = lowercase
        fixOptions.chat = report.format == "chat"
        if stripPromptPrefix, let finding = report.finding(.commonPromptPrefix) { fixOptions.stripPromptPrefix = Self.quoted(finding.message) }
        if stripCompletionPrefix, let finding = report.finding(.commonCompletionPrefix) { fixOptions.stripCompletionPrefix = Self.quoted(finding.message) }
        let summary: TrainingFileFixer.Summary
        do {
            summary = try TrainingFileFixer(options: fixOptions, screen: SafetyContentScreen.standard()).fix(path: file, output: target)
        } catch {
            emit(report)
            throw Terminal.fail("\(error)\nNo corrected copy was written.")
        }
        let after: CheckReport
        do {
            after = try checker.check(path: target)
        } catch {
            throw Terminal.fail("\(error)")
        }
        if json {
            emit(after)
        } else {
            print(CheckReportText.render(report))
            print("")
            print("Fixed copy: \(target) — kept \(summary.kept) line(s).")
            for (id, count) in summary.dropped.sorted(by: { $0.key.rawValue < $1.key.rawValue }) { print("  dropped \(count): \(id.rawValue)") }
            for (id, count) in summary.changed.sorted(by: { $0.key.rawValue < $1.key.rawValue }) { print("  changed \(count): \(id.rawValue)") }
            print("")
            print("Check of the fixed copy:")
            print(CheckReportText.render(after))
        }
        if !after.passed || (strict && !after.warnings.isEmpty) { throw ExitCode.failure }
    }

    private func emit(_ report: CheckReport) {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
            print(String(decoding: (try? encoder.encode(report)) ?? Data(), as: UTF8.self))
        } else {
            print(CheckReportText.render(report))
        }
    }

    static func fixedPath(for file: String) -> String {
        for suffix in [".jsonl", ".json"] where file.hasSuffix(suffix) {
            return String(file.dropLast(suffix.count)) + ".fixed.jsonl"
        }
        return file + ".fixed.jsonl"
    }

    /// The text between the first pair of backticks of a finding (the prefix it names).
    static func quoted(_ message: String) -> String? {
        guard let open = message.firstIndex(of: "`") else { return nil }
        let rest = message[message.index(after: open)...]
        guard let close = rest.firstIndex(of: "`") else { return nil }
        return String(rest[..<close]).replacingOccurrences(of: "\\n", with: "\n").replacingOccurrences(of: "\\t", with: "\t")
    }
}

/// Human-readable reports: one block per finding, with line numbers and the fix.
enum CheckReportText {
    static func render(_ report: CheckReport) -> String {
        var lines = ["\(report.path): \(report.examples) example(s), \(report.format) format"]
        for finding in report.findings {
            let mark = switch finding.severity {
            case .error: "✗ error  "
            case .warning: "! warning"
            case .info: "· info   "
            }
            lines.append("\(mark) [\(finding.id.rawValue)] \(finding.message)")
            if !finding.lines.isEmpty {
                let more = finding.lineCount > finding.lines.count ? " … (\(finding.lineCount) in all)" : ""
                lines.append("            line\(finding.lineCount == 1 ? "" : "s") \(finding.lines.map(String.init).joined(separator: ", "))\(more)")
            }
            switch finding.fix {
            case .none: break
            case .automatic(let what): lines.append("            --fix: \(what)")
            case .optIn(let flag, let what): lines.append("            --fix \(flag): \(what)")
            }
        }
        let errors = report.errors.count
        let warnings = report.warnings.count
        lines.append(errors == 0 ? "OK: no errors\(warnings > 0 ? ", \(warnings) warning(s)" : "")." : "FAILED: \(errors) error(s), \(warnings) warning(s). Run with --fix to write a corrected copy.")
        return lines.joined(separator: "\n")
    }
}
