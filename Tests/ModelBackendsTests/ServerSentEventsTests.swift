import Testing
@testable import ModelBackends

@Suite struct ServerSentEventsTests {
    static let body = Array(": keep-alive\r\ndata: {\"a\":\"你好，\"}\r\n\r\nevent: error\r\ndata: line one\r\ndata: line two\r\n\r\ndata: [DONE]\r\n\r\n".utf8)
    static let expected = [
        ServerSentEvents.Event(type: nil, data: "{\"a\":\"你好，\"}"),
        ServerSentEvents.Event(type: "error", data: "line one\nline two"),
        ServerSentEvents.Event(type: nil, data: "[DONE]"),
    ]

    @Test func readsEventsWhereverTheChunksAreCut() throws {
        // Every cut: inside "\r\n", inside the three bytes of 你, inside a field name.
        for cut in 0...Self.body.count {
            var parser = ServerSentEvents()
            var events = try parser.feed(Self.body[..<cut])
            events += try parser.feed(Self.body[cut...])
            if let last = try parser.finish() { events.append(last) }
            #expect(events == Self.expected, "cut at \(cut)")
        }
    }

    @Test func readsOneByteAtATimeAndBareLineEnds() throws {
        var parser = ServerSentEvents()
        var events: [ServerSentEvents.Event] = []
        for byte in Array("data:x\n\ndata: y\r\rdata: z".utf8) { events += try parser.feed([byte]) }
        if let last = try parser.finish() { events.append(last) }
        #expect(events.map(\.data) == ["x", "y", "z"])
    }

    @Test func refusesInvalidUTF8() {
        var parser = ServerSentEvents()
        #expect(throws: ServerSentEvents.Failure.invalidUTF8) { _ = try parser.feed([0x64, 0x61, 0x74, 0x61, 0x3A, 0xE4, 0xBD, 0x0A]) }
    }

    @Test func refusesAHugeLineOrEvent() {
        var parser = ServerSentEvents(maxEventBytes: 1024)
        #expect(throws: ServerSentEvents.Failure.tooLarge(limit: 1024)) { _ = try parser.feed(Array(repeating: UInt8(ascii: "a"), count: 2000)) }
        var lines = ServerSentEvents(maxEventBytes: 1024)
        let many = Array(String(repeating: "data: " + String(repeating: "b", count: 100) + "\n", count: 20).utf8)
        #expect(throws: ServerSentEvents.Failure.tooLarge(limit: 1024)) { _ = try lines.feed(many) }
    }

    @Test func chunksOfEveryShape() throws {
        let chat = ServerSentEvents.Event(type: nil, data: #"{"choices":[{"index":0,"delta":{"content":"好"},"finish_reason":null}]}"#)
        #expect(try OpenAIStreamChunk.parse(chat) == .text("好", finished: false))
        let completion = ServerSentEvents.Event(type: nil, data: #"{"choices":[{"text":"a","index":0,"finish_reason":"stop"}]}"#)
        #expect(try OpenAIStreamChunk.parse(completion) == .text("a", finished: true))
        let usage = ServerSentEvents.Event(type: nil, data: #"{"choices":[],"usage":{"total_tokens":3}}"#)
        #expect(try OpenAIStreamChunk.parse(usage) == .text("", finished: false))
        let error = ServerSentEvents.Event(type: nil, data: #"{"error":{"message":"overloaded","type":"server_error","code":"overloaded"}}"#)
        guard case .error(let apiError) = try OpenAIStreamChunk.parse(error) else { Issue.record("not an error"); return }
        #expect(apiError.status == 500)
        #expect(apiError.code == "overloaded")
        #expect(throws: OpenAIClientError.self) { try OpenAIStreamChunk.parse(.init(type: nil, data: "<html>")) }
    }
}
