import ArgumentParser
import ChatCore
import Datasets
import Foundation

/// `heartline dataset prepare`: the recipe's conversion, streamed, cleaned and deduplicated.
struct DatasetPrepare: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prepare",
        abstract: "Convert flyrae / efaqa / generic files into a training JSONL file.",
        discussion: """
        Recipe defaults: flyrae answers flagged 推荐 with title + content as the prompt, one pair per
        answer; efaqa chats labelled knowledge and not negative with the title as the prompt; efaqa
        SOS threads (label.s3) reported and left out. Then cleaning, crisis screening, length limits
        and exact/near-duplicate removal. The output is written through a temporary file and only
        replaces -o when at least one pair was kept.
        """
    )

    @Option(name: .long, help: "flyrae JSON array file (repeatable).")
    var flyrae: [String] = []
    @Option(name: .long, help: "efaqa JSON lines file, plain or gzip (repeatable).")
    var efaqa: [String] = []
    @Option(name: .long, help: "Generic {\"prompt\",\"completion\"} or {\"messages\"} JSON lines (or a JSON array) file (repeatable).")
    var jsonl: [String] = []
    @Option(name: [.short, .long], help: "Output JSONL file.")
    var output: String

    @Option(name: .long, help: "completion ({\"prompt\",\"completion\"}) or chat ({\"messages\"}).")
    var format: OutputKind = .completion
    @Option(name: .customLong("system-prompt"), help: "System message for --format chat.")
    var systemPrompt: String?
    @OptionGroup var promptFormat: DatasetFormatOptions

    @Option(name: .customLong("min-zan"), help: "flyrae: minimum upvotes (zan) of an answer (default 0).")
    var minZan = 0
    @Flag(name: .customLong("include-non-recommended"), help: "flyrae: also use answers not flagged 推荐.")
    var includeNonRecommended = false
    @Flag(name: .customLong("flyrae-title-only"), help: "flyrae: prompt is the title alone (default title + content).")
    var flyraeTitleOnly = false
    @Option(name: .customLong("flyrae-label"), help: "flyrae: keep questions with this ques_label (repeatable).")
    var flyraeLabels: [String] = []
    @Option(name: .customLong("exclude-flyrae-label"), help: "flyrae: drop questions with this ques_label (repeatable).")
    var excludeFlyraeLabels: [String] = []

    @Flag(name: .customLong("use-description"), help: "efaqa: prompt is title + description (default title).")
    var useDescription = false
    @Flag(name: .customLong("include-sos"), help: "efaqa: keep SOS threads (label.s3 3.1–3.5). Not recommended.")
    var includeSOS = false
    @Flag(name: .customLong("efaqa-all-chats"), help: "efaqa: do not require label.knowledge.")
    var efaqaAllChats = false
    @Flag(name: .customLong("efaqa-include-negative"), help: "efaqa: keep chats labelled negative.")
    var efaqaIncludeNegative = false
    @Flag(name: .customLong("efaqa-audience-only"), help: "efaqa: only replies by others (sender audience).")
    var efaqaAudienceOnly = false
    @Option(name: .customLong("efaqa-label"), help: "efaqa: keep threads with this label, e.g. s1=1.6 or s1=1. (repeatable).")
    var efaqaLabels: [String] = []
    @Option(name: .customLong("exclude-efaqa-label"), help: "efaqa: drop threads with this label (repeatable).")
    var excludeEfaqaLabels: [String] = []

    @Option(name: .customLong("max-prompt-chars"), help: "Drop pairs whose cleaned question is longer (0: no limit; default 2000).")
    var maxPromptChars = 2000
    @Option(name: .customLong("max-answer-chars"), help: "Drop pairs whose cleaned answer is longer (0: no limit; default 3000).")
    var maxAnswerChars = 3000
    @Option(name: .customLong("min-answer-chars"), help: "Drop answers shorter than this (default 2).")
    var minAnswerChars = 2
    @Flag(name: .customLong("no-redact"), help: "Keep URLs, e-mail addresses, phone numbers and account ids.")
    var noRedact = false
    @Flag(name: .customLong("keep-low-content"), help: "Keep answers that are only thanks, filler or emoji.")
    var keepLowContent = false
    @Flag(name: .customLong("no-near-dedupe"), help: "Remove exact duplicates only.")
    var noNearDedupe = false
    @Option(name: .customLong("max-answer-repeats"), help: "Keep at most N pairs with the same answer (0: no limit).")
    var maxAnswerRepeats = 0
    @Flag(name: .customLong("keep-crisis-content"), help: "Do not screen out pairs touching suicide or self-harm. Not recommended.")
    var keepCrisisContent = false
    @Flag(name: .customLong("thorough-screen"), help: "Run the safety detector on every question and answer (slower; the default runs it on short texts and on what the scan flags).")
    var thoroughScreen = false

    @Option(name: .customLong("invalid-utf8"), help: "stop (default) or skip records with invalid UTF-8.")
    var invalidUTF8: RecordReader.InvalidUTF8Policy = .stop
    @Flag(name: .long, help: "Stop at the first malformed record instead of counting it.")
    var strict = false
    @Option(name: .customLong("max-record-bytes"), help: "Largest single record accepted (default 64 MiB).")
    var maxRecordBytes = 64 << 20
    @Option(name: .customLong("tokens-per-cjk"), help: "Token estimate per non-ASCII character (default 1.9, see docs/datasets.md).")
    var tokensPerCJK = TokenEstimator.calibratedCJK
    @Flag(name: .long, help: "Print the summary as JSON.")
    var json = false
    @Flag(name: .long, help: "No progress output.")
    var quiet = false

    enum OutputKind: String, ExpressibleByArgument, CaseIterable {
        case completion
        case chat
    }

    func run() async throws {
        let format = try await promptFormat.promptFormat()
        let options = try makeOptions(format: format)
        let inputs = flyrae.map { PrepareInput(kind: .flyrae, path: $0) } + efaqa.map { PrepareInput(kind: .efaqa, path: $0) }
            + jsonl.map { PrepareInput(kind: .generic, path: $0) }
        guard !inputs.isEmpty else { throw ValidationError("give at least one input: --flyrae, --efaqa or --jsonl") }
        let progress = ProgressReporter(quiet: quiet || json)
        let started = ContinuousClock.now
        let summary: PrepareSummary
        do {
            summary = try DatasetPreparer(options: options, screen: SafetyContentScreen.standard(thorough: thoroughScreen), estimator: TokenEstimator(tokensPerCJK: tokensPerCJK)).run(inputs: inputs, output: output) { p in
                progress.update(label: (p.file as NSString).lastPathComponent, done: p.bytesDone, total: p.bytesTotal, detail: "· \(p.records) records · \(p.kept) kept", force: p.finishedFile)
            }
        } catch {
            progress.finish()
            throw Terminal.fail("\(error)\nNo output was written.")
        }
        progress.finish()
        let elapsed = (ContinuousClock.now - started).seconds
        if json {
            print(String(decoding: PrepareReport(summary: summary, output: output, seconds: elapsed).encoded(), as: UTF8.self))
        } else {
            print(PrepareReport(summary: summary, output: output, seconds: elapsed).text)
        }
        guard summary.outputWritten else {
            throw Terminal.fail("no pair passed the filters; \(output) was not written (see the summary above)")
        }
    }

    private func makeOptions(format: PromptFormat) throws -> PrepareOptions {
        var o = PrepareOptions()
        o.promptFormat = format
        o.output = self.format == .chat ? .chat(systemPrompt: systemPrompt, historyTurns: format.historyTurns) : .completion(format)
        if systemPrompt != nil, self.format != .chat { throw ValidationError("--system-prompt needs --format chat") }
        o.flyrae.minimumUpvotes = minZan
        o.flyrae.includeNonRecommended = includeNonRecommended
        o.flyrae.includeContent = !flyraeTitleOnly
        o.flyrae.includeLabels = Set(flyraeLabels)
        o.flyrae.excludeLabels = Set(excludeFlyraeLabels)
        o.efaqa.includeDescription = useDescription
        o.efaqa.includeSOS = includeSOS
        o.efaqa.requireKnowledge = !efaqaAllChats
        o.efaqa.excludeNegative = !efaqaIncludeNegative
        o.efaqa.audienceOnly = efaqaAudienceOnly
        o.efaqa.includeLabels = try efaqaLabels.map(Self.label)
        o.efaqa.excludeLabels = try excludeEfaqaLabels.map(Self.label)
        guard maxPromptChars >= 0, maxAnswerChars >= 0, minAnswerChars >= 0, maxAnswerRepeats >= 0 else {
            throw ValidationError("length limits and --max-answer-repeats must not be negative")
        }
        o.maxPromptCharacters = maxPromptChars
        o.maxAnswerCharacters = maxAnswerChars
        o.minAnswerCharacters = minAnswerChars
        o.cleaner.redact = !noRedact
        o.dropLowContent = !keepLowContent
        o.nearDuplicates = !noNearDedupe
        o.maxAnswerRepeats = maxAnswerRepeats
        o.screenCrisis = !keepCrisisContent
        o.strict = strict
        o.reader.invalidUTF8 = invalidUTF8
        guard maxRecordBytes >= 1024 else { throw ValidationError("--max-record-bytes must be at least 1024") }
        o.reader.maxRecordBytes = maxRecordBytes
        return o
    }

    private static func label(_ text: String) throws -> EfaqaSource.LabelMatch {
        guard let match = EfaqaSource.LabelMatch(text) else { throw ValidationError("label filters look like s1=1.6 (keys s1, s2, s3), got \(text)") }
        return match
    }
}

extension RecordReader.InvalidUTF8Policy: ExpressibleByArgument {}
