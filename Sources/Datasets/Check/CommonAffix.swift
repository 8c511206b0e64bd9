/// The longest prefix or suffix shared by every string seen so far, kept as UTF-8 and cut back
/// to whole characters, so a file of any size needs one pass and constant memory.
struct CommonAffix {
    enum Side {
        case prefix
        case suffix
    }

    let side: Side
    private(set) var bytes: [UInt8]?

    init(_ side: Side) {
        self.side = side
    }

    var text: String { bytes.map { String(decoding: $0, as: UTF8.self) } ?? "" }

    mutating func add(_ string: String) {
        var copy = string
        copy.withUTF8 { new in
            guard var current = bytes else {
                bytes = Array(new)
                return
            }
            let limit = min(current.count, new.count)
            var shared = 0
            switch side {
            case .prefix:
                while shared < limit, current[shared] == new[shared] { shared += 1 }
                // Back up to a character boundary (never end inside a UTF-8 sequence).
                while shared > 0, shared < current.count, current[shared] & 0xC0 == 0x80 { shared -= 1 }
                current.removeSubrange(shared...)
            case .suffix:
                while shared < limit, current[current.count - 1 - shared] == new[new.count - 1 - shared] { shared += 1 }
                while shared > 0, current[current.count - shared] & 0xC0 == 0x80 { shared -= 1 }
                current.removeSubrange(..<(current.count - shared))
            }
            bytes = current
        }
    }
}

/// A capped list of line numbers with a total count.
struct LineList: Sendable {
    private(set) var first: [Int] = []
    private(set) var count = 0
    static let cap = 20

    mutating func add(_ line: Int) {
        count += 1
        if first.count < Self.cap { first.append(line) }
    }

    var isEmpty: Bool { count == 0 }
}
