#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Substring search on UTF-8 bytes. Foundation's `String.contains` goes through
/// NSString and Unicode folding and was most of `dataset prepare`'s time; on normalised text a
/// byte search gives the same answer.
enum ByteSearch {
    static func contains(_ haystack: String, _ needle: String) -> Bool {
        var h = haystack
        var n = needle
        return h.withUTF8 { hb in
            n.withUTF8 { nb in
                guard nb.count > 0 else { return true }
                guard hb.count >= nb.count, let hp = hb.baseAddress, let np = nb.baseAddress else { return false }
                // memchr for the first byte, memcmp for the rest (memmem is not exported by Glibc).
                let first = Int32(nb[0])
                var offset = 0
                let last = hb.count - nb.count
                while offset <= last, let found = memchr(hp + offset, first, last - offset + 1) {
                    let at = UnsafeRawPointer(found) - UnsafeRawPointer(hp)
                    if memcmp(hp + at, np, nb.count) == 0 { return true }
                    offset = at + 1
                }
                return false
            }
        }
    }

    /// Whether `text` holds `byte` (memchr; `utf8.contains` steps through the view byte by byte,
    /// a few per cent of preparing a corpus when asked of every text).
    static func contains(_ text: String, byte: UInt8) -> Bool {
        var copy = text
        return copy.withUTF8 { bytes in
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return false }
            return memchr(base, Int32(byte), bytes.count) != nil
        }
    }

    /// Whether `text` holds either byte, in one pass.
    static func contains(_ text: String, either a: UInt8, or b: UInt8) -> Bool {
        var copy = text
        return copy.withUTF8 { bytes in
            for byte in bytes where byte == a || byte == b { return true }
            return false
        }
    }
}
