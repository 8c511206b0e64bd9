import Crypto

/// WeChat's SHA-1 signatures (docs/protocols.md A.3, A.5): the parts sorted by their UTF-8 bytes,
/// concatenated without a separator, hashed, written as lowercase hex.
public enum WeChatSignature {
    /// `signature` = sign([token, timestamp, nonce]); `msg_signature` adds the `Encrypt` value.
    public static func sign(_ parts: [String]) -> String {
        let sorted = parts.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var hasher = Insecure.SHA1()
        for part in sorted {
            var part = part
            part.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        }
        return Hex.encode(hasher.finalize())
    }

    /// Whether `presented` is the signature of `parts`. Uppercase hex is accepted; the comparison
    /// takes the same time wherever the values differ.
    public static func verify(_ presented: String, parts: [String]) -> Bool {
        let expected = Array(sign(parts).utf8)
        let given = presented.utf8.map { $0 >= 0x41 && $0 <= 0x46 ? $0 | 0x20 : $0 }
        return ConstantTimeBytes.equals(expected, given)
    }
}

/// Comparison of secrets whose duration does not depend on where the inputs differ (swift-crypto's
/// digest equality is constant-time; hashing first also hides the lengths).
public enum ConstantTimeBytes {
    public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        SHA256.hash(data: a) == SHA256.hash(data: b)
    }
}

/// Lowercase hexadecimal.
enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(40)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
