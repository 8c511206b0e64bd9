import ChatCore
import Foundation
import ModelBackends

// Benchmarks that need in-process timing (release build):
//   heartline-bench retrieval [CORPUS.jsonl]   index build time, RSS, query latency percentiles
// The HTTP benchmarks use wrk against the real binary (bench/*.sh).

func residentMegabytes() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
          let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
    else { return -1 }
    return kb / 1024
}

/// CPU seconds used by this process so far (user + system): fair even on a loaded machine.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

func benchRetrieval(corpusPath: String?) throws {
    let rssBefore = residentMegabytes()
    let loadStart = ContinuousClock.now
    let cpu0 = cpuSeconds()
    let intents = try corpusPath.map { try CorpusLoader.loadIntents(path: $0) } ?? CorpusLoader.starter()
    let loaded = ContinuousClock.now
    let cpu1 = cpuSeconds()
    let model = RetrievalModel(intents: intents, name: "bench")
    let built = ContinuousClock.now
    let cpu2 = cpuSeconds()
    let rssAfter = residentMegabytes()

    // Queries: corpus questions with the second half of the text replaced, plus fixed paraphrases.
    var queries = ["最近总是失眠怎么办", "和老公吵架冷战好几天了", "考研压力好大学不进去", "刷短视频停不下来", "my boss yells at me every day"]
    var generator = SystemRandomNumberGenerator()
    let questions = intents.flatMap(\.questions)
    for _ in 0..<2000 {
        let prompt = questions[Int.random(in: 0..<questions.count, using: &generator)]
        queries.append(String(prompt.prefix(max(4, prompt.count / 2))) + "怎么办")
    }
    for q in queries.prefix(50) { _ = model.rank(q) }  // warm up
    // Each query runs the whole decision the model makes per message: both views and the gate.
    var latencies: [Double] = []
    var decisions: [String: Int] = [:]
    for q in queries {
        let start = ContinuousClock.now
        let decision = model.decide(q)
        latencies.append((ContinuousClock.now - start).seconds * 1000)
        switch decision {
        case .answer: decisions["answer", default: 0] += 1
        case .followUp, .askMore: decisions["follow-up", default: 0] += 1
        case .menu: decisions["menu", default: 0] += 1
        }
    }
    latencies.sort()
    print("path: RetrievalModel.decide (variant BM25 + intent classifier + relevance gate)")
    print("corpus: \(corpusPath ?? "starter") · \(intents.count) intents · \(model.questionCount) question variants")
    print("decisions: " + decisions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: " · "))
    print(String(format: "load: %.2f s (cpu %.2f s) · index build: %.2f s (cpu %.2f s) · RSS after build: %.0f MB (before %.0f MB)",
                 (loaded - loadStart).seconds, cpu1 - cpu0, (built - loaded).seconds, cpu2 - cpu1, rssAfter, rssBefore))
    print(String(format: "query latency over %d queries: p50 %.3f ms · p90 %.3f ms · p99 %.3f ms · max %.3f ms",
                 latencies.count, percentile(latencies, 0.5), percentile(latencies, 0.9), percentile(latencies, 0.99), latencies.last ?? 0))
}

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "retrieval":
    try benchRetrieval(corpusPath: arguments.dropFirst().first)
default:
    print("usage: heartline-bench retrieval [CORPUS.jsonl]")
    exit(2)
}
