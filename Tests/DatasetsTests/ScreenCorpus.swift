import Foundation
@testable import Datasets

/// Answers for comparing content screens, built from `Fixtures/datasets/screen-corpus.txt` (the
/// project's own words): innocent long answers, innocent texts with words near risk vocabulary,
/// and risk sentences alone and inside long answers, so both the detector path (short texts) and
/// the scan path (long texts) are exercised.
struct ScreenCorpus {
    enum Kind: String, Sendable { case innocent, risk }

    var texts: [(kind: Kind, text: String)] = []

    static func load() throws -> ScreenCorpus {
        let raw = try String(contentsOfFile: Fixture.path("screen-corpus.txt"), encoding: .utf8)
        var sections: [String: [String]] = [:]
        var current = ""
        for line in raw.split(separator: "\n") where !line.hasPrefix("#") {
            if line.hasPrefix("["), line.hasSuffix("]") {
                current = String(line.dropFirst().dropLast())
            } else if !line.isEmpty {
                sections[current, default: []].append(String(line))
            }
        }
        return ScreenCorpus(pads: sections["pad"] ?? [], innocent: sections["innocent"] ?? [], risk: sections["risk"] ?? [])
    }

    init(pads: [String], innocent: [String], risk: [String]) {
        var random = SeededRandom(seed: 7)
        func padding(_ count: Int) -> String {
            (0..<count).map { _ in pads[random.next(pads.count)] }.joined(separator: random.next(2) == 0 ? "，" : "。")
        }
        for _ in 0..<400 {
            texts.append((kind: .innocent, text: padding(3 + random.next(12)) + "。"))
        }
        for line in innocent {
            texts.append((kind: .innocent, text: line))
            texts.append((kind: .innocent, text: padding(3) + "。" + line + "。" + padding(4) + "。"))
        }
        for line in risk {
            texts.append((kind: .risk, text: line))
            texts.append((kind: .risk, text: padding(3) + "。" + line + "。" + padding(3) + "。"))
            texts.append((kind: .risk, text: line + "\n\n" + padding(6) + "。"))
            texts.append((kind: .risk, text: padding(8) + "……" + line))
        }
    }
}

/// A small deterministic generator (SplitMix64), so the corpus is the same on every run.
struct SeededRandom {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Int(z % UInt64(bound))
    }
}
