import ChatCore

/// Lays a reply out as customer-service text pieces: the answer split at sentence boundaries,
/// then the resource line and disclaimer, joined to the last piece when they fit. When the answer
/// needs more pieces than the quota allows (5 per user message), the answer is shortened — never
/// the resource line with the hotlines, nor the disclaimer.
public struct WeChatReplyFormatter: Sendable, Equatable {
    public var splitBytes: Int
    public var maxChunks: Int

    public init(splitBytes: Int = 2048, maxChunks: Int = 5) {
        self.splitBytes = splitBytes
        self.maxChunks = max(1, maxChunks)
    }

    public func pieces(for reply: Reply) -> [String] {
        let splitter = UTF8TextSplitter(maxBytes: splitBytes)
        var body = splitter.split(reply.body)
        let tailText = [reply.resourceLine, reply.disclaimer].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "\n\n")
        var tail = tailText.isEmpty ? [] : splitter.split(tailText)

        let room = max(1, maxChunks - tail.count)
        if body.count > room {
            body = Array(body.prefix(room))
            let marked = body[body.count - 1] + "…"
            if marked.utf8.count <= splitBytes { body[body.count - 1] = marked }
        }
        if let last = body.last, let first = tail.first {
            let joined = last + "\n\n" + first
            if joined.utf8.count <= splitBytes {
                body[body.count - 1] = joined
                tail.removeFirst()
            }
        }
        return body + tail
    }
}
