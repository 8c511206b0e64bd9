/// The body format of a push, detected from its first non-whitespace byte.
public enum WeChatBodyFormat: String, Sendable, Equatable, CaseIterable {
    case json
    case xml

    /// `{` → JSON, `<` → XML (after whitespace and a UTF-8 byte-order mark); nil otherwise.
    public static func detect(_ bytes: [UInt8]) -> WeChatBodyFormat? {
        var i = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            case UInt8(ascii: "{"): return .json
            case UInt8(ascii: "<"): return .xml
            default: return nil
            }
        }
        return nil
    }
}

/// One value of a flat WeChat message. XML only has text; JSON keeps its literal kinds so that a
/// float `MsgId` can be refused instead of silently rounded.
public enum WeChatValue: Sendable, Equatable {
    case text(String)
    /// A JSON number without fraction or exponent, as written (e.g. `6054768590064713728`).
    case integer(String)
    /// A JSON number with a fraction or exponent, as written.
    case number(String)
    case bool(Bool)
    case null
    /// A nested object or array (WeChat's customer-service messages have none; kept opaque).
    case nested
}

/// The top-level fields of a push message, from either format.
public struct WeChatFields: Sendable, Equatable {
    public var format: WeChatBodyFormat
    public var values: [String: WeChatValue]

    public init(format: WeChatBodyFormat, values: [String: WeChatValue]) {
        self.format = format
        self.values = values
    }

    public subscript(_ name: String) -> WeChatValue? { values[name] }

    /// The text of a string field (JSON string or XML text).
    public func text(_ name: String) -> String? {
        if case .text(let value) = values[name] { return value }
        return nil
    }

    /// Parses a body in the detected format.
    public static func parse(_ bytes: [UInt8], limits: WeChatParseLimits = WeChatParseLimits()) throws(WeChatParseError) -> WeChatFields {
        switch WeChatBodyFormat.detect(bytes) {
        case .json:
            var reader = FlatJSONReader(bytes, limits: limits)
            return WeChatFields(format: .json, values: try reader.readObject())
        case .xml:
            var reader = FlatXMLReader(bytes, limits: limits)
            return WeChatFields(format: .xml, values: try reader.readDocument())
        case nil:
            throw .unknownFormat
        }
    }
}

/// Bounds on what the readers accept, so a hostile body cannot exhaust memory or the stack.
public struct WeChatParseLimits: Sendable, Equatable {
    public var maxDepth = 8
    public var maxFields = 256
    public var maxNameBytes = 64

    public init() {}
}

/// Why a body could not be read. Positions are byte offsets; no content is included.
public enum WeChatParseError: Error, Sendable, Equatable {
    case unknownFormat
    case invalidUTF8
    /// A DOCTYPE, ENTITY or other markup declaration: no DTD is ever processed.
    case forbiddenDeclaration(at: Int)
    /// A processing instruction other than the leading `<?xml …?>` declaration.
    case forbiddenProcessingInstruction(at: Int)
    /// An entity reference other than the five predefined ones and numeric references.
    case undefinedEntity(at: Int)
    case syntax(String, at: Int)
    case tooDeep
    case tooManyFields
    case duplicateField(String)
}
