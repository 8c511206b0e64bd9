/// A decoded push: a customer-service message or event, or a body without the common fields
/// (a cloud-hosting probe such as `{"action":"CheckContainerPath"}`), which is acknowledged only.
public enum WeChatPush: Sendable, Equatable {
    case message(WeChatPushMessage)
    case probe
}

/// The fields of a mini-program customer-service push that Heartline uses (docs/protocols.md A.8).
public struct WeChatPushMessage: Sendable, Equatable {
    public var toUserName: String
    /// The sender's openid.
    public var fromUserName: String
    public var createTime: Int64
    public var msgType: String
    /// 64-bit integer ids are kept as their decimal digits; cloud deliveries send string ids.
    public var msgID: String?
    public var event: String?
    public var content: String?
    public var sessionFrom: String?

    public init(
        toUserName: String, fromUserName: String, createTime: Int64, msgType: String,
        msgID: String? = nil, event: String? = nil, content: String? = nil, sessionFrom: String? = nil
    ) {
        self.toUserName = toUserName
        self.fromUserName = fromUserName
        self.createTime = createTime
        self.msgType = msgType
        self.msgID = msgID
        self.event = event
        self.content = content
        self.sessionFrom = sessionFrom
    }

    /// Decodes the common and type-specific fields, refusing wrong types instead of coercing them.
    public static func decode(_ fields: WeChatFields) throws(WeChatPushError) -> WeChatPush {
        guard fields["MsgType"] != nil || fields["FromUserName"] != nil else { return .probe }
        let message = WeChatPushMessage(
            toUserName: try Self.identifier("ToUserName", fields, pattern: .printable),
            fromUserName: try Self.identifier("FromUserName", fields, pattern: .token),
            createTime: try Self.createTime(fields),
            msgType: try Self.identifier("MsgType", fields, pattern: .token),
            msgID: try Self.msgID(fields),
            event: try Self.optionalIdentifier("Event", fields, pattern: .token),
            content: try Self.optionalText("Content", fields),
            sessionFrom: try Self.optionalText("SessionFrom", fields)
        )
        return .message(message)
    }

    /// The dedupe identity (docs/protocols.md A.9): `MsgId`, or `FromUserName`+`CreateTime` for events
    /// and anything else without one.
    public var dedupeID: String {
        if let msgID { return msgID }
        return "ev:\(fromUserName):\(createTime)"
    }

    // MARK: Field rules

    enum Pattern {
        /// Letters, digits, `_` and `-` (openids, types, string MsgIds).
        case token
        /// Any text without control characters.
        case printable

        func accepts(_ value: String) -> Bool {
            switch self {
            case .token:
                value.utf8.allSatisfy { WeChatCipher.isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
            case .printable:
                value.unicodeScalars.allSatisfy { !$0.properties.generalCategory.isControl }
            }
        }
    }

    static let maxIdentifierBytes = 128

    static func identifier(_ name: String, _ fields: WeChatFields, pattern: Pattern) throws(WeChatPushError) -> String {
        guard let value = try optionalIdentifier(name, fields, pattern: pattern) else { throw .missingParameter(name) }
        return value
    }

    static func optionalIdentifier(_ name: String, _ fields: WeChatFields, pattern: Pattern) throws(WeChatPushError) -> String? {
        guard let raw = fields[name], raw != .null else { return nil }
        guard case .text(let value) = raw else { throw .invalidMessage("\(name) must be a string") }
        guard !value.isEmpty, value.utf8.count <= maxIdentifierBytes, pattern.accepts(value) else {
            throw .invalidMessage("\(name) is empty, too long or has invalid characters")
        }
        return value
    }

    static func optionalText(_ name: String, _ fields: WeChatFields) throws(WeChatPushError) -> String? {
        guard let raw = fields[name], raw != .null else { return nil }
        guard case .text(let value) = raw else { throw .invalidMessage("\(name) must be a string") }
        return value
    }

    static func createTime(_ fields: WeChatFields) throws(WeChatPushError) -> Int64 {
        let digits: String
        switch fields["CreateTime"] {
        case .integer(let text)?: digits = text
        case .text(let text)?: digits = text
        case nil, .null?: throw .missingParameter("CreateTime")
        default: throw .invalidMessage("CreateTime must be an integer")
        }
        guard digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = Int64(digits) else {
            throw .invalidMessage("CreateTime must be a non-negative integer")
        }
        return value
    }

    /// `MsgId` as a 64-bit integer (JSON number or XML digits) or an opaque string id; never a
    /// float, never digits beyond 64 bits, never longer than 128 bytes.
    static func msgID(_ fields: WeChatFields) throws(WeChatPushError) -> String? {
        switch fields["MsgId"] {
        case nil, .null?:
            return nil
        case .integer(let digits)?:
            guard let value = Int64(digits), value >= 0 else { throw .invalidMessage("MsgId is not a 64-bit integer") }
            return String(value)
        case .text(let text)?:
            guard !text.isEmpty, text.utf8.count <= maxIdentifierBytes, Pattern.token.accepts(text) else {
                throw .invalidMessage("MsgId is empty, too long or has invalid characters")
            }
            if text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                guard let value = Int64(text) else { throw .invalidMessage("MsgId is not a 64-bit integer") }
                return String(value)
            }
            return text
        case .number?:
            throw .invalidMessage("MsgId must be an integer or a string, not a float")
        default:
            throw .invalidMessage("MsgId must be an integer or a string")
        }
    }
}

extension Unicode.GeneralCategory {
    var isControl: Bool { self == .control }
}
