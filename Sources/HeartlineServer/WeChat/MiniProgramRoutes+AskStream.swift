import ChatCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `POST <prefix>/ask/stream`: `ask` as a chunked response for `wx.request` with
/// `enableChunked: true` (adapters/wechat-miniprogram/README.md). Everything up to the pipeline
/// is `ask`'s, and errors found there are `ask`'s JSON errors. Then one JSON object per line:
///
///     {"type":"delta","text":"先试试固定起床时间。"}     checked sentences as they pass
///     {"type":"final","reply":{…ask's response…}}       the whole answer, always last
///     {"type":"error","code":"…","message":"…"}        instead of final, when there is none
///
/// The final reply is what the page keeps: when a sentence fails the output check it replaces
/// what the deltas drafted. Lines are pure ASCII (non-ASCII characters escaped as `\uXXXX`), so
/// a chunk boundary can never cut a character in half on the page, which sees raw bytes.
/// Deltas come only when the model streams (`model.stream`) and WeChat's content check of answers
/// is off: with it on, no sentence may be shown before WeChat has read the whole answer.
extension MiniProgramRoutes {
    enum StreamLine: Encodable {
        case delta(String)
        case final(AskResponse)
        case error(code: String, message: String)

        private enum Keys: String, CodingKey { case type, text, reply, code, message }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            switch self {
            case .delta(let text):
                try container.encode("delta", forKey: .type)
                try container.encode(text, forKey: .text)
            case .final(let reply):
                try container.encode("final", forKey: .type)
                try container.encode(reply, forKey: .reply)
            case .error(let code, let message):
                try container.encode("error", forKey: .type)
                try container.encode(code, forKey: .code)
                try container.encode(message, forKey: .message)
            }
        }

        /// One line: compact JSON, non-ASCII escaped, then `\n`.
        var bytes: ByteBuffer {
            var out = ""
            for scalar in String(decoding: JSONCoding.encode(self), as: UTF8.self).unicodeScalars {
                if scalar.isASCII {
                    out.unicodeScalars.append(scalar)
                } else {
                    for unit in String(scalar).utf16 { out += String(format: "\\u%04x", unit) }
                }
            }
            return ByteBuffer(string: out + "\n")
        }
    }

    func askStream(_ request: Request) async throws(APIError) -> Response {
        let prepared: PreparedAsk
        switch try await startAsk(request) {
        case .answered(let response):
            return Self.lines { writer in try await writer.write(StreamLine.final(response).bytes) }
        case .submit(let submit):
            prepared = submit
        }
        let board = intake.drafts
        let id = intake.hasher.inboxID(for: prepared.message)
        let drafts = moderation.checker == nil ? board.listen(id) : nil
        let outcome: MessageIntake.Outcome
        let ticket: ReplyWaiters.Ticket
        do {
            (outcome, ticket) = try await intake.submitForReply(prepared.message)
        } catch {
            board.finish(id)
            switch error {
            case .busy: throw .busy
            case .storeUnavailable: throw .storeUnavailable
            }
        }
        let deadline = ContinuousClock.now + askTimeout
        let intake = intake
        let routes = self
        return Self.lines { writer in
            // The reply is awaited beside the drafts and ends them when it comes: from this
            // instance's worker (which ends them itself, first) or from another instance's. If
            // the page goes away, the write fails and the group cancels the wait (which gives the
            // ticket back).
            let result = try await withThrowingTaskGroup(of: MessageIntake.SyncResult.self) { group in
                group.addTask {
                    let result = await intake.reply(to: outcome, ticket: ticket, timeout: max(.zero, deadline - .now))
                    board.finish(id)
                    return result
                }
                if let drafts {
                    var shown = ""
                    for await draft in drafts where draft.count > shown.count && draft.hasPrefix(shown) {
                        try await writer.write(StreamLine.delta(String(draft.dropFirst(shown.count))).bytes)
                        shown = draft
                    }
                }
                guard let result = try await group.next() else { return MessageIntake.SyncResult.timedOut }
                return result
            }
            let line: StreamLine
            do throws(APIError) {
                line = .final(try await routes.finishAsk(result, prepared))
            } catch {
                line = .error(code: error.code, message: error.message)
            }
            try await writer.write(line.bytes)
        }
    }

    /// A chunked response of JSON lines.
    static func lines(_ write: @escaping @Sendable (inout any ResponseBodyWriter) async throws -> Void) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/x-ndjson; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await write(&writer)
            try await writer.finish(nil)
        })
    }
}
