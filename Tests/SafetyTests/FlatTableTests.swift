import Testing
@testable import Safety

/// `FlatTable` must answer exactly what the `Dictionary` it replaces answers: every key present,
/// every absent key absent, including keys that share a slot.
@Suite struct FlatTableTests {
    @Test func answersLikeTheDictionary() {
        var generator = SystemRandomNumberGenerator()
        var entries: [UInt64: Int32] = [:]
        for i in 0..<5_000 { entries[UInt64.random(in: 0...UInt64.max, using: &generator)] = Int32(i) }
        // Keys that differ only in their low bits (node << 32 | scalar) crowd the same slots.
        for node in 0..<40 { for scalar in 0x4E00..<0x4E20 { entries[UInt64(node) << 32 | UInt64(scalar)] = Int32(node) } }
        let table = FlatTable(entries, filler: -1)
        #expect(table.count == entries.count)
        for (key, value) in entries { #expect(table[key] == value) }
        for _ in 0..<5_000 {
            let key = UInt64.random(in: 0...UInt64.max, using: &generator)
            #expect(table[key] == entries[key])
        }
        #expect(FlatTable([UInt64: Double](), filler: 0)[42] == nil)
    }
}

@Suite struct RemoveRepeatsTests {
    @Test func keepsTheFirstOfEachKeyInOrder() {
        var generator = SystemRandomNumberGenerator()
        for size in [0, 1, 7, 100, 3_000] {
            let pool = (0..<max(1, size / 3)).map { _ in UInt64.random(in: 0...UInt64.max, using: &generator) } + [0]
            let keys = (0..<size).map { _ in pool.randomElement(using: &generator) ?? 0 }
            var deduped = keys
            RiskClassifier.removeRepeats(&deduped)
            var seen = Set<UInt64>()
            #expect(deduped == keys.filter { seen.insert($0).inserted })
        }
    }
}
