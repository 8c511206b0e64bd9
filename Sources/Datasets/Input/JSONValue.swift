/// A parsed JSON value. Objects keep their members in file order (small, and lookups are by a
/// handful of known keys, so a linear search beats hashing).
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])

    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        for member in members where member.key == key { return member.value }
        return nil
    }

    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var array: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var members: [JSONMember]? {
        if case .object(let m) = self { return m }
        return nil
    }

    public var bool: Bool? {
        switch self {
        case .bool(let b): b
        case .string(let s): s == "true" ? true : s == "false" ? false : nil
        case .number(let n): n == 1 ? true : n == 0 ? false : nil
        default: nil
        }
    }

    /// Numbers written either as numbers or as strings (`"zan": "12"` in flyrae).
    public var number: Double? {
        switch self {
        case .number(let n): n
        case .string(let s): Double(s.trimmingCharacters(in: " "))
        default: nil
        }
    }

    /// A scalar as text (ids are strings in one dump and numbers in another).
    public var text: String? {
        switch self {
        case .string(let s): s
        case .number(let n): n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
        case .bool(let b): b ? "true" : "false"
        default: nil
        }
    }

    /// The JSON type name, for messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

public struct JSONMember: Sendable, Equatable {
    public var key: String
    public var value: JSONValue

    public init(key: String, value: JSONValue) {
        self.key = key
        self.value = value
    }
}

extension String {
    fileprivate func trimmingCharacters(in character: Character) -> Substring {
        var s = self[...]
        while s.first == character { s.removeFirst() }
        while s.last == character { s.removeLast() }
        return s
    }
}
