/// The classifier's weights by feature key, in one flat open-addressing table.
///
/// Written by hand rather than using `Dictionary`: the keys are already 64-bit FNV hashes, and a
/// `Dictionary<UInt64, Double>` hashes each of them again with SipHash on every lookup. With about
/// 130,000 weights and a lookup per n-gram, that rehash and the dictionary's probing were the
/// largest single cost of crisis detection in the profile (docs/benchmarks.md, detection speed).
/// Linear probing over a power-of-two table at most half full; key 0 marks an empty slot, so a
/// feature whose FNV hash is 0 is stored under 1 (`slotKey`).
struct WeightTable: Sendable {
    private let keys: [UInt64]
    private let values: [Double]
    private let mask: Int

    init(_ weights: [UInt64: Double]) {
        var capacity = 16
        while capacity < weights.count * 2 { capacity <<= 1 }
        var keys = [UInt64](repeating: 0, count: capacity)
        var values = [Double](repeating: 0, count: capacity)
        let mask = capacity - 1
        for (key, weight) in weights {
            let stored = Self.slotKey(key)
            var slot = Self.start(stored, mask: mask)
            while keys[slot] != 0, keys[slot] != stored { slot = (slot + 1) & mask }
            keys[slot] = stored
            values[slot] += weight
        }
        self.keys = keys
        self.values = values
        self.mask = mask
    }

    /// The weight of `key`, 0 when the model has none.
    subscript(key: UInt64) -> Double {
        let stored = Self.slotKey(key)
        var slot = Self.start(stored, mask: mask)
        while true {
            let found = keys[slot]
            if found == stored { return values[slot] }
            if found == 0 { return 0 }
            slot = (slot + 1) & mask
        }
    }

    private static func slotKey(_ key: UInt64) -> UInt64 { key == 0 ? 1 : key }

    /// FNV's low bits are weak on short inputs: fold the high half in before masking.
    private static func start(_ key: UInt64, mask: Int) -> Int {
        Int(truncatingIfNeeded: key ^ (key >> 32)) & mask
    }
}
