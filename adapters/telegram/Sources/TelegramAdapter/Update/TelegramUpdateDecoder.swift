import Foundation

/// Why a webhook body is not an `Update`. Each maps to a 400 at the HTTP edge.
public enum TelegramDecodingError: Error, Sendable, Equatable {
    case invalidUTF8
    case malformedJSON
    /// Valid JSON without an integer `update_id` (not an Update at all).
    case missingUpdateID
    /// `update_id` zero or negative: Telegram's ids are positive, so this did not come from it.
    case invalidUpdateID
}

/// Turns webhook bytes into a `TelegramUpdate`. Pure; never throws anything but
/// `TelegramDecodingError`.
public enum TelegramUpdateDecoder {
    public static func decode(_ bytes: some Collection<UInt8>) throws(TelegramDecodingError) -> TelegramUpdate {
        let raw = Array(bytes)
        guard String(validating: raw, as: UTF8.self) != nil else { throw .invalidUTF8 }
        let data = Data(JSONSurrogateRepair.repairIfNeeded(raw))
        let update: TelegramUpdate
        do {
            update = try JSONDecoder().decode(TelegramUpdate.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) where key.stringValue == "update_id" && context.codingPath.isEmpty {
            throw .missingUpdateID
        } catch let DecodingError.typeMismatch(_, context) where context.codingPath.count <= 1 {
            throw .missingUpdateID  // a wrong type for update_id, or valid JSON that is not an object
        } catch let DecodingError.valueNotFound(_, context) where context.codingPath.map(\.stringValue) == ["update_id"] {
            throw .missingUpdateID
        } catch {
            // Foundation reports a number that does not fit Int64 (1.5, 1e30) as invalid JSON;
            // tell the two apart so the answer says what is wrong.
            if (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) is [String: Any] { throw .missingUpdateID }
            throw .malformedJSON
        }
        guard update.updateID > 0 else { throw .invalidUpdateID }
        return update
    }
}

/// Replaces `\uXXXX` escapes of lone surrogates inside JSON strings with `\ufffd`.
enum JSONSurrogateRepair {
    /// The bytes with lone surrogate escapes replaced; the same bytes when there are none. Foundation
    /// rejects such strings (lazily, so one odd field would silently vanish); a buggy client's text
    /// is still worth answering, so the lone half becomes U+FFFD.
    static func repairIfNeeded(_ bytes: [UInt8]) -> [UInt8] {
        guard mayContainSurrogateEscape(bytes) else { return bytes }
        return repair(bytes) ?? bytes
    }

    /// A fast scan for `\ud` / `\uD`, the start of every surrogate escape.
    static func mayContainSurrogateEscape(_ bytes: [UInt8]) -> Bool {
        var i = 0
        let n = bytes.count
        while i + 3 < n {
            if bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u"), bytes[i + 2] | 0x20 == UInt8(ascii: "d") { return true }
            i += 1
        }
        return false
    }

    /// The repaired bytes, or nil when there was nothing to repair.
    static func repair(_ bytes: [UInt8]) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var changed = false
        var inString = false
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            guard inString else {
                if byte == UInt8(ascii: "\"") { inString = true }
                out.append(byte)
                i += 1
                continue
            }
            if byte == UInt8(ascii: "\"") {
                inString = false
                out.append(byte)
                i += 1
            } else if byte == UInt8(ascii: "\\"), i + 1 < bytes.count {
                if bytes[i + 1] == UInt8(ascii: "u"), let unit = hexUnit(bytes, i + 2) {
                    let isHigh = (0xD800...0xDBFF).contains(unit)
                    let isLow = (0xDC00...0xDFFF).contains(unit)
                    if isHigh, i + 12 <= bytes.count, bytes[i + 6] == UInt8(ascii: "\\"), bytes[i + 7] == UInt8(ascii: "u"),
                       let low = hexUnit(bytes, i + 8), (0xDC00...0xDFFF).contains(low)
                    {
                        out.append(contentsOf: bytes[i..<(i + 12)])
                        i += 12
                    } else if isHigh || isLow {
                        out.append(contentsOf: Array("\\ufffd".utf8))
                        changed = true
                        i += 6
                    } else {
                        out.append(contentsOf: bytes[i..<(i + 6)])
                        i += 6
                    }
                } else {
                    out.append(byte)
                    out.append(bytes[i + 1])
                    i += 2
                }
            } else {
                out.append(byte)
                i += 1
            }
        }
        return changed ? out : nil
    }

    private static func hexUnit(_ bytes: [UInt8], _ start: Int) -> UInt32? {
        guard start + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for byte in bytes[start..<(start + 4)] {
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
            value = value << 4 | digit
        }
        return value
    }
}
