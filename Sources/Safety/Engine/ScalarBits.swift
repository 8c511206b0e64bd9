/// One bit per scalar of the Basic Multilingual Plane that is a key of a table: a cheap "certainly
/// not there" before a dictionary lookup. Scalars beyond the BMP always answer "maybe".
struct ScalarBits: Sendable {
    private let bits: [UInt64]

    init(_ scalars: some Sequence<Unicode.Scalar>) {
        var bits = [UInt64](repeating: 0, count: 0x10000 / 64)
        for scalar in scalars where scalar.value < 0x10000 {
            bits[Int(scalar.value) >> 6] |= 1 << UInt64(scalar.value & 63)
        }
        self.bits = bits
    }

    @inline(__always)
    func contains(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v >= 0x10000 || bits[Int(v) >> 6] & (1 << UInt64(v & 63)) != 0
    }
}
