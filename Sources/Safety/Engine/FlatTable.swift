/// A read-only map from 64-bit keys to values, for the detector's hot lookups (the phrase
/// matcher's transitions, the classifier's weights). `Dictionary` hashes every key with SipHash,
/// which was the largest single cost of the detector in profiles of `dataset prepare`; these keys
/// are already well mixed or cheap to mix, so one multiply and a linear probe over a table at most
/// half full answer the same lookups with the same results.
struct FlatTable<Value: Sendable>: Sendable {
    private let keys: [UInt64]
    private let values: [Value]
    private let used: [Bool]
    private let shift: UInt64
    let count: Int

    init(_ entries: [UInt64: Value], filler: Value) {
        var capacity = 16
        while capacity < entries.count * 2 { capacity <<= 1 }
        var keys = [UInt64](repeating: 0, count: capacity)
        var values = [Value](repeating: filler, count: capacity)
        var used = [Bool](repeating: false, count: capacity)
        let shift = UInt64(64 - capacity.trailingZeroBitCount)
        let mask = capacity - 1
        for (key, value) in entries {
            var slot = Self.slot(key, shift)
            while used[slot] { slot = (slot + 1) & mask }
            used[slot] = true
            keys[slot] = key
            values[slot] = value
        }
        self.keys = keys
        self.values = values
        self.used = used
        self.shift = shift
        count = entries.count
    }

    @inline(__always)
    private static func slot(_ key: UInt64, _ shift: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    @inline(__always)
    subscript(key: UInt64) -> Value? {
        let mask = keys.count - 1
        var slot = Self.slot(key, shift)
        while used[slot] {
            if keys[slot] == key { return values[slot] }
            slot = (slot + 1) & mask
        }
        return nil
    }
}
