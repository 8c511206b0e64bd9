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
        let data = Data(bytes)
        guard String(validating: data, as: UTF8.self) != nil else { throw .invalidUTF8 }
        let update: TelegramUpdate
        do {
            update = try decodeRepairingSurrogates(data)
        } catch let DecodingError.keyNotFound(key, context) where key.stringValue == "update_id" && context.codingPath.isEmpty {
            throw .missingUpdateID
        } catch let DecodingError.typeMismatch(_, context) where context.codingPath.map(\.stringValue) == ["update_id"] {
            throw .missingUpdateID
        } catch let DecodingError.valueNotFound(_, context) where context.codingPath.map(\.stringValue) == ["update_id"] {
            throw .missingUpdateID
        } catch let DecodingError.dataCorrupted(context) where context.codingPath.map(\.stringValue) == ["update_id"] {
            throw .missingUpdateID
        } catch let DecodingError.typeMismatch(_, context) where context.codingPath.isEmpty {
            throw .missingUpdateID  // valid JSON, but not an object
        } catch {
            throw .malformedJSON
        }
        guard update.updateID > 0 else { throw .invalidUpdateID }
        return update
    }

    /// Foundation rejects JSON whose strings escape a lone UTF-16 surrogate (`"\ud800"`). Such
    /// text can reach us from buggy clients; the person's message is still worth answering, so the
    /// lone surrogate becomes U+FFFD and decoding is tried once more.
    static func decodeRepairingSurrogates(_ data: Data) throws -> TelegramUpdate {
        do {
            return try JSONDecoder().decode(TelegramUpdate.self, from: data)
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            guard let repaired = JSONSurrogateRepair.repair(Array(data)) else { throw DecodingError.dataCorrupted(context) }
            return try JSONDecoder().decode(TelegramUpdate.self, from: Data(repaired))
        }
    }
}

/// Replaces `\uXXXX` escapes of lone surrogates inside JSON strings with `\ufffd`.
enum JSONSurrogateRepair {
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
