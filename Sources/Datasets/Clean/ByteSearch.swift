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
}
