/// Finds every occurrence of a fixed set of phrases in one pass (Aho–Corasick over Unicode
/// scalars). Built once at start from the lexicon; matching is linear in the text length, which is
/// what keeps detection in microseconds however many terms the lexicon grows to.
struct PhraseMatcher: Sendable {
    struct Match: Sendable, Equatable {
        /// Index of the phrase in the array given to `init`.
        var phrase: Int
        /// Scalar offsets in the searched text; `end` is exclusive.
        var start: Int
        var end: Int
    }

    /// Goto function keyed by `node << 32 | scalar`; one flat table is smaller and faster than a
    /// dictionary per node (and `FlatTable` than a `Dictionary`: no SipHash per scalar).
    private let transitions: FlatTable<Int32>
    private let failure: [Int32]
    /// Phrases recognised at each node, including those inherited through failure links.
    private let outputs: [[Int32]]
    private let lengths: [Int]

    var phraseCount: Int { lengths.count }

    init(phrases: [[Unicode.Scalar]]) {
        var transitions: [UInt64: Int32] = [:]
        var outputs: [[Int32]] = [[]]
        var children: [[(Unicode.Scalar, Int32)]] = [[]]
        for (index, phrase) in phrases.enumerated() where !phrase.isEmpty {
            var node: Int32 = 0
            for scalar in phrase {
                let key = Self.key(node, scalar)
                if let next = transitions[key] {
                    node = next
                } else {
                    let next = Int32(outputs.count)
                    outputs.append([])
                    children.append([])
                    transitions[key] = next
                    children[Int(node)].append((scalar, next))
                    node = next
                }
            }
            outputs[Int(node)].append(Int32(index))
        }

        // Breadth-first failure links; a node's outputs include its failure node's outputs.
        var failure = [Int32](repeating: 0, count: outputs.count)
        var queue: [Int32] = children[0].map(\.1)
        var head = 0
        while head < queue.count {
            let node = queue[head]
            head += 1
            for (scalar, child) in children[Int(node)] {
                queue.append(child)
                var fallback = failure[Int(node)]
                while true {
                    if let next = transitions[Self.key(fallback, scalar)], next != child {
                        failure[Int(child)] = next
                        break
                    }
                    if fallback == 0 {
                        failure[Int(child)] = 0
                        break
                    }
                    fallback = failure[Int(fallback)]
                }
                outputs[Int(child)].append(contentsOf: outputs[Int(failure[Int(child)])])
            }
        }
        self.transitions = FlatTable(transitions, filler: 0)
        self.failure = failure
        self.outputs = outputs
        self.lengths = phrases.map(\.count)
    }

    @inline(__always)
    private static func key(_ node: Int32, _ scalar: Unicode.Scalar) -> UInt64 {
        UInt64(UInt32(bitPattern: node)) << 32 | UInt64(scalar.value)
    }

    /// Calls `body` for every occurrence, in order of end position.
    func forEachMatch(in text: [Unicode.Scalar], _ body: (Match) -> Void) {
        var node: Int32 = 0
        for (position, scalar) in text.enumerated() {
            while true {
                if let next = transitions[Self.key(node, scalar)] {
                    node = next
                    break
                }
                if node == 0 { break }
                node = failure[Int(node)]
            }
            for phrase in outputs[Int(node)] {
                let length = lengths[Int(phrase)]
                body(Match(phrase: Int(phrase), start: position + 1 - length, end: position + 1))
            }
        }
    }

    func matches(in text: [Unicode.Scalar]) -> [Match] {
        var found: [Match] = []
        forEachMatch(in: text) { found.append($0) }
        return found
    }
}
