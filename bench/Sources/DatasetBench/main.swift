import ChatCore
import Datasets
import Foundation
import Safety
import Synchronization

// `DatasetBench --flyrae FILE -o OUT [--keep-crisis-content] [--thorough-screen]` (release build):
// what `heartline dataset prepare --flyrae FILE -o OUT` runs — `DatasetPreparer` with the recipe's
// defaults and the screen `SafetyContentScreen.standard()` builds (keyword list, scan, the bundled
// crisis detector) — in a binary that links only Datasets and Safety, so a release build takes
// minutes where the full server takes an hour on a busy machine. Prints the screen path taken and
// how many texts the detector read. Used by bench/datasets/run.sh.

/// The detector on every text after the keyword list: the screen before the scan (`--thorough-screen`).
struct ThoroughScreen: ContentScreen {
    let keywords = KeywordContentScreen()
    let detect: ScanFirstContentScreen.Detect

    func screen(_ text: String) -> ContentFlag? {
        keywords.screen(text) ?? detect(text).map { ContentFlag(category: $0) }
    }

    func screen(_ text: String, folded: String) -> ContentFlag? {
        keywords.screen(text, folded: folded) ?? detect(text).map { ContentFlag(category: $0) }
    }
}

final class Counter: Sendable {
    let value = Atomic<Int>(0)
}

var flyrae: [String] = []
var output: String?
var keepCrisis = false
var thorough = false
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--flyrae": if let path = arguments.next() { flyrae.append(path) }
    case "-o", "--output": output = arguments.next()
    case "--keep-crisis-content": keepCrisis = true
    case "--thorough-screen": thorough = true
    default:
        FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8))
        exit(2)
    }
}
guard let output, !flyrae.isEmpty else {
    FileHandle.standardError.write(Data("usage: DatasetBench --flyrae FILE -o OUT [--keep-crisis-content] [--thorough-screen]\n".utf8))
    exit(2)
}

/// The detector's verdict as `SafetyContentScreen` reads it, counting the texts it reads.
func counting(_ detector: CrisisDetector, _ calls: Counter) -> ScanFirstContentScreen.Detect {
    { text in
        calls.value.add(1, ordering: .relaxed)
        let detection = detector.detect(text)
        return detection.tier == .crisis ? detection.reasons.first ?? "crisis" : nil
    }
}

let calls = Counter()
let detect = counting(try CrisisDetector.bundled(), calls)
var options = PrepareOptions()
options.screenCrisis = !keepCrisis
let screen: any ContentScreen = thorough ? ThoroughScreen(detect: detect) : ScanFirstContentScreen(detect: detect)
let path = keepCrisis ? "no crisis screen" : thorough ? "thorough screen (detector on every text)" : "scan-first screen (detector on short texts and scan candidates)"
let started = ContinuousClock.now
let summary = try DatasetPreparer(options: options, screen: screen).run(inputs: flyrae.map { PrepareInput(kind: .flyrae, path: $0) }, output: output)
let elapsed = ContinuousClock.now - started
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print("path: \(path)")
print("Kept \(summary.kept) of \(summary.candidates) candidates in \(String(format: "%.2f", seconds)) s; detector read \(calls.value.load(ordering: .relaxed)) texts")
for (reason, count) in summary.dropped.sorted(by: { $0.value > $1.value }) { print("  dropped \(reason): \(count)") }
for (category, count) in summary.crisisCategories.sorted(by: { $0.value > $1.value }) { print("  crisis \(category): \(count)") }
