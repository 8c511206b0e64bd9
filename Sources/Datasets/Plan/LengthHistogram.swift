/// Lengths in characters: fixed buckets for a quick picture, plus exact percentiles.
public struct LengthHistogram: Sendable, Equatable {
    public static let edges = [20, 50, 100, 200, 500, 1000, 2000, 5000]

    public private(set) var counts = [Int](repeating: 0, count: LengthHistogram.edges.count + 1)
    private var values: [Int32] = []

    public init() {}

    public mutating func add(_ length: Int) {
        let bucket = Self.edges.firstIndex { length < $0 } ?? Self.edges.count
        counts[bucket] += 1
        values.append(Int32(clamping: length))
    }

    public var count: Int { values.count }

    public func percentile(_ p: Double) -> Int {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let index = min(sorted.count - 1, max(0, Int((p * Double(sorted.count - 1)).rounded())))
        return Int(sorted[index])
    }

    public var mean: Double { values.isEmpty ? 0 : Double(values.reduce(0) { $0 + Int($1) }) / Double(values.count) }

    /// Bucket labels such as `<20`, `20–49`, `≥5000`.
    public static var labels: [String] {
        var out: [String] = []
        var lower = 0
        for edge in edges {
            out.append(lower == 0 ? "<\(edge)" : "\(lower)–\(edge - 1)")
            lower = edge
        }
        out.append("≥\(lower)")
        return out
    }
}
