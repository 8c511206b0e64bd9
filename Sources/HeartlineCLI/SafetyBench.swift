import ArgumentParser
import Foundation
import Safety

/// `heartline safety bench FILE…`: average detection time per message (run a release build).
struct SafetyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure average crisis-detection time per message over labelled files."
    )

    @Argument(help: "JSONL or PsySUICIDE files whose messages are timed.")
    var files: [String]

    @Option(name: .long, help: "Passes over all messages.")
    var rounds = 20

    @OptionGroup var lexiconOption: LexiconOption

    func run() async throws {
        let loadStart = ContinuousClock.now
        let detector = try lexiconOption.detector()
        let loadTime = ContinuousClock.now - loadStart
        var texts: [String] = []
        for file in files {
            do {
                texts += try EvalDataset.load(path: file).map(\.text)
            } catch {
                throw ValidationError("\(file): \(error)")
            }
        }
        guard !texts.isEmpty else { throw ValidationError("no messages") }
        var sink = 0
        for text in texts { sink &+= detector.detect(text).reasons.count }  // warm-up
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for _ in 0..<rounds {
                for text in texts { sink &+= detector.detect(text).reasons.count }
            }
        }
        let perMessage = elapsed / (rounds * texts.count)
        let characters = texts.reduce(0) { $0 + $1.count }
        let withContext = clock.measure {
            for text in texts { sink &+= detector.detect(text, recent: ["最近压力很大", "睡不着"]).reasons.count }
        } / texts.count
        print("""
        lexicon: \(detector.termCount) terms, \(detector.ruleCount) rules, loaded in \(loadTime.formatted(.units(allowed: [.milliseconds])))
        messages: \(texts.count) (average \(characters / texts.count) characters), rounds: \(rounds)
        detection: \(String(format: "%.2f", perMessage.microseconds)) µs per message on average
        with two earlier turns: \(String(format: "%.2f", withContext.microseconds)) µs per message
        (checksum \(sink))
        """)
    }
}

extension Duration {
    var microseconds: Double {
        let (s, atto) = components
        return Double(s) * 1e6 + Double(atto) / 1e12
    }
}
