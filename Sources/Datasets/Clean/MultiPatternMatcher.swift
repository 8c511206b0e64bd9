/// Finds every occurrence of many byte patterns in one pass: an Aho–Corasick automaton compiled
/// to a table-driven DFA. Bytes are first mapped to classes (bytes that occur in no pattern share
/// class 0 and always lead back to the start), so the table stays small — a few hundred Chinese
/// terms use well under a megabyte — and a step is two array reads whatever the number of patterns.
struct MultiPatternMatcher: Sendable {
    /// Byte → class.
    private let classOf: [UInt8]
    private let classCount: Int
    /// `state * classCount + class` → next state.
    private let transitions: [Int32]
    /// Patterns ending in a state (its own and those of its suffix states): `outputs[starts[s]..<starts[s + 1]]`.
    private let outputStarts: [Int32]
    private let outputs: [Int32]
    let patternLengths: [Int]

    init(patterns: [[UInt8]]) {
        var classOf = [UInt8](repeating: 0, count: 256)
        var classCount = 1
        for pattern in patterns {
            for byte in pattern where classOf[Int(byte)] == 0 {
                classOf[Int(byte)] = UInt8(classCount)
                classCount += 1
            }
        }
        // The trie: children by class, and the patterns each node ends.
        var children: [[Int32]] = [[Int32](repeating: -1, count: classCount)]
        var ends: [[Int32]] = [[]]
        for (index, pattern) in patterns.enumerated() where !pattern.isEmpty {
            var node = 0
            for byte in pattern {
                let cls = Int(classOf[Int(byte)])
                if children[node][cls] < 0 {
                    children[node][cls] = Int32(children.count)
                    children.append([Int32](repeating: -1, count: classCount))
                    ends.append([])
                }
                node = Int(children[node][cls])
            }
            ends[node].append(Int32(index))
        }
        // Breadth first: a node's failure state is known before its children's, so missing edges
        // are copied from the failure state's row, which is already complete.
        let count = children.count
        var table = [Int32](repeating: 0, count: count * classCount)
        var failure = [Int32](repeating: 0, count: count)
        var queue: [Int] = []
        queue.reserveCapacity(count)
        for cls in 1..<classCount {
            let child = children[0][cls]
            table[cls] = max(child, 0)
            if child > 0 { queue.append(Int(child)) }
        }
        var head = 0
        while head < queue.count {
            let node = queue[head]
            head += 1
            ends[node].append(contentsOf: ends[Int(failure[node])])
            for cls in 1..<classCount {
                let fallback = table[Int(failure[node]) * classCount + cls]
                let child = children[node][cls]
                if child >= 0 {
                    failure[Int(child)] = fallback
                    table[node * classCount + cls] = child
                    queue.append(Int(child))
                } else {
                    table[node * classCount + cls] = fallback
                }
            }
        }
        var starts: [Int32] = [0]
        var flat: [Int32] = []
        for node in 0..<count {
            flat.append(contentsOf: ends[node])
            starts.append(Int32(flat.count))
        }
        self.classOf = classOf
        self.classCount = classCount
        self.transitions = table
        self.outputStarts = starts
        self.outputs = flat
        self.patternLengths = patterns.map(\.count)
    }

    /// A position in the automaton, for feeding bytes one at a time (callers skip some bytes).
    typealias State = Int32
    static let start: State = 0

    /// Advances by one byte; calls `match` with each pattern that ends at this byte.
    @inline(__always)
    func step(_ state: State, _ byte: UInt8, _ match: (Int) -> Void) -> State {
        let next = transitions[Int(state) * classCount + Int(classOf[Int(byte)])]
        let from = Int(outputStarts[Int(next)])
        let to = Int(outputStarts[Int(next) + 1])
        if from < to {
            for k in from..<to { match(Int(outputs[k])) }
        }
        return next
    }

    /// Every (pattern, end offset) in `bytes`, in order of their ends.
    func matches(in bytes: some Sequence<UInt8>) -> [(pattern: Int, end: Int)] {
        var found: [(pattern: Int, end: Int)] = []
        var state = Self.start
        for (offset, byte) in bytes.enumerated() {
            state = step(state, byte) { found.append(($0, offset + 1)) }
        }
        return found
    }
}
