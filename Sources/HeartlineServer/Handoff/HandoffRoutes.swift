import ChatCore
import Foundation
import HTTPTypes
import Hummingbird

/// The counsellors' JSON API, behind `Authorization: Bearer <handoff.token>`:
/// - `GET /v1/handoff/conversations` (`?status=all` adds closed ones) →
///   `{"conversations":[{"id","channel","reason","status","openedAt","messages":[{"from","text","at"}]}]}`
/// - `POST /v1/handoff/conversations/{id}/messages` `{"text","counsellor"}` → delivered through
///   the user's channel; `{"delivered":false,"reason":…}` when the platform refused it
/// - `POST /v1/handoff/conversations/{id}/close` (optional `{"counsellor"}`)
struct HandoffRoutes: Sendable {
    struct MessageRequest: Decodable {
        var text: String
        var counsellor: String
    }

    struct CloseRequest: Decodable {
        var counsellor: String?
    }

    let desk: HandoffDesk
    let token: String
    let maxBodyBytes: Int

    static let maxTextCharacters = 4000
    static let maxNameCharacters = 64

    func add<Context: RequestContext>(to router: Router<Context>) {
        router.get("/v1/handoff/conversations") { request, _ -> Response in
            await respond { () throws(APIError) in try await list(request) }
        }
        router.post("/v1/handoff/conversations/{id}/messages") { request, context -> Response in
            await respond { () throws(APIError) in try await send(request, id: context.parameters.get("id") ?? "") }
        }
        router.post("/v1/handoff/conversations/{id}/close") { request, context -> Response in
            await respond { () throws(APIError) in try await close(request, id: context.parameters.get("id") ?? "") }
        }
    }

    private func respond(_ body: () async throws(APIError) -> Response) async -> Response {
        do {
            return try await body()
        } catch {
            return error.response
        }
    }

    func list(_ request: Request) async throws(APIError) -> Response {
        try authorize(request)
        let status = request.uri.queryParameters.get("status")
        guard status == nil || status == "all" || status == "active" else {
            throw .invalidField("status", "must be `active` (the default) or `all`")
        }
        let handoffs = try await mapped { () throws(HandoffDesk.Failure) in try await desk.conversations(includeClosed: status == "all") }
        return JSONCoding.response(HandoffJSON.List(conversations: handoffs.map(HandoffJSON.Conversation.init)))
    }

    func send(_ request: Request, id: String) async throws(APIError) -> Response {
        try authorize(request)
        try Self.validate(id: id)
        try RequestBody.requireJSONContentType(request)
        let body = try RequestBody.decodeJSON(MessageRequest.self, from: try await RequestBody.collect(request, limit: maxBodyBytes))
        let text = body.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= Self.maxTextCharacters else { throw .invalidField("text", "must be 1 to \(Self.maxTextCharacters) characters") }
        let name = try Self.counsellorName(body.counsellor)
        let (message, delivery) = try await mapped { () throws(HandoffDesk.Failure) in try await desk.send(text, counsellor: name, to: id) }
        return JSONCoding.response(HandoffJSON.Sent(message: HandoffJSON.Message(message), delivered: delivery.delivered, reason: delivery.reason))
    }

    func close(_ request: Request, id: String) async throws(APIError) -> Response {
        try authorize(request)
        try Self.validate(id: id)
        try RequestBody.requireJSONContentType(request)
        let bytes = try await RequestBody.collect(request, limit: maxBodyBytes)
        var name: String?
        if !bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            let body = try RequestBody.decodeJSON(CloseRequest.self, from: bytes)
            name = try body.counsellor.map(Self.counsellorName)
        }
        let (handoff, delivery) = try await mapped { () throws(HandoffDesk.Failure) in try await desk.close(id, counsellor: name) }
        return JSONCoding.response(HandoffJSON.Closed(id: handoff.id, status: handoff.status.rawValue, delivered: delivery.delivered, reason: delivery.reason))
    }

    // MARK: Checks

    private func authorize(_ request: Request) throws(APIError) {
        let presented = request.headers[.authorization].flatMap { value -> String? in
            value.hasPrefix("Bearer ") ? String(value.dropFirst(7)) : nil
        }
        guard let presented, ConstantTime.equals(presented, token) else {
            throw APIError(.unauthorized, "unauthorized", "A valid bearer token is required.")
        }
    }

    static func validate(id: String) throws(APIError) {
        guard (1...64).contains(id.utf8.count), id.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) || $0 == 45 }) else {
            throw APIError(.notFound, "not_found", "No such conversation.")
        }
    }

    static func counsellorName(_ raw: String) throws(APIError) -> String {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= maxNameCharacters, !name.contains(where: \.isNewline) else {
            throw .invalidField("counsellor", "must be a name of 1 to \(maxNameCharacters) characters on one line")
        }
        return name
    }

    private func mapped<T>(_ body: () async throws(HandoffDesk.Failure) -> T) async throws(APIError) -> T {
        do {
            return try await body()
        } catch {
            switch error {
            case .notFound: throw APIError(.notFound, "not_found", "No such conversation.")
            case .closed: throw APIError(.conflict, "closed", "This conversation is closed.")
            case .storeUnavailable: throw .storeUnavailable
            }
        }
    }
}
