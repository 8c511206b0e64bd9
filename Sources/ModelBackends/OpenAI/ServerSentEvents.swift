/// An incremental reader of `text/event-stream` bodies (docs/protocols.md C.4): bytes go in as the
/// network hands them over, split anywhere (inside a line, inside `\r\n`, inside a UTF-8
/// sequence), and whole events come out. A line is decoded only once it is complete, so a
/// multi-byte character cut by a chunk boundary is never seen half; a complete line that is not
/// valid UTF-8 is refused rather than shown with replacement characters.
struct ServerSentEvents {
    struct Event: Sendable, Equatable {
        /// The `event:` field, nil when absent (the default type, "message").
        var type: String?
        /// The `data:` lines of the event joined with `\n`.
        var data: String
    }

    enum Failure: Error, Equatable {
        /// A line or an event larger than the limit: a broken or hostile server.
        case tooLarge(limit: Int)
        /// A complete line that is not UTF-8.
        case invalidUTF8
    }

    /// The largest line, and the largest event (its data lines together), accepted.
    let maxEventBytes: Int
    private var line: [UInt8] = []
    private var data: [String] = []
    private var dataBytes = 0
    private var type: String?
    private var lastByteWasCR = false

    init(maxEventBytes: Int = 256 * 1024) {
        self.maxEventBytes = maxEventBytes
    }

    /// Feeds bytes; returns the events they complete, in order.
    mutating func feed<Bytes: Sequence<UInt8>>(_ bytes: Bytes) throws(Failure) -> [Event] {
        var events: [Event] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                // "\r\n" is one line end, even when the chunk boundary falls between the two.
                let isSecondHalfOfCRLF = byte == UInt8(ascii: "\n") && lastByteWasCR
                lastByteWasCR = byte == UInt8(ascii: "\r")
                if isSecondHalfOfCRLF { continue }
                if let event = try endLine() { events.append(event) }
                continue
            }
            lastByteWasCR = false
            guard line.count < maxEventBytes else { throw .tooLarge(limit: maxEventBytes) }
            line.append(byte)
        }
        return events
    }

    /// The end of the body: a last line without its line end still counts, and an event whose
    /// blank line never came is dispatched (some servers end with `data: [DONE]` and no blank line).
    mutating func finish() throws(Failure) -> Event? {
        if !line.isEmpty, let event = try endLine() { return event }
        return dispatch()
    }

    private mutating func endLine() throws(Failure) -> Event? {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty { return dispatch() }
        if line.first == UInt8(ascii: ":") { return nil }  // a comment: keep-alive
        guard let text = String(validating: line, as: UTF8.self) else { throw .invalidUTF8 }
        let field: Substring
        var value: Substring
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            value = text[text.index(after: colon)...]
            if value.first == " " { value = value.dropFirst() }
        } else {
            field = text[...]
            value = ""
        }
        switch field {
        case "data":
            dataBytes += value.utf8.count + 1
            guard dataBytes <= maxEventBytes else { throw .tooLarge(limit: maxEventBytes) }
            data.append(String(value))
        case "event":
            type = String(value)
        default:
            break  // id, retry and unknown fields mean nothing for a completion stream
        }
        return nil
    }

    private mutating func dispatch() -> Event? {
        defer {
            data.removeAll()
            dataBytes = 0
            type = nil
        }
        guard !data.isEmpty else { return nil }
        return Event(type: type, data: data.joined(separator: "\n"))
    }
}
