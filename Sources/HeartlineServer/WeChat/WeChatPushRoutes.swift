import ChatCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import WeChatAdapter

/// `GET|POST <wechat.pushPath>`: WeChat's message push (docs/protocols.md A.3–A.9).
///
/// GET answers the URL check by echoing `echostr` byte for byte. POST verifies, decrypts and decodes
/// the push, records it in the durable inbox (dedupe on `MsgId`, or sender + time for events) and
/// answers `success` — the model runs later on the workers, so the answer comes well inside
/// WeChat's 5 s whatever the model does. Refusals: bad signature, stale timestamp, wrong appid,
/// plaintext in safe mode → 403; malformed query, body or ciphertext → 400; body over the limit →
/// 413; inbox full or unavailable → 503 (WeChat retries; nothing was acknowledged).
struct WeChatPushRoutes {
    let services: WeChatServices
    let intake: MessageIntake
    let path: String
    let maxBodyBytes: Int
    let logger: Logger
    let now: @Sendable () -> Date

    static let success = Array("success".utf8)

    func add<Context: RequestContext>(to router: Router<Context>) {
        router.get(RouterPath(path)) { request, _ in verify(request) }
        router.post(RouterPath(path)) { request, _ in await receive(request) }
    }

    func verify(_ request: Request) -> Response {
        do {
            let echo = try services.verifier.verifyURL(Self.query(request), now: now())
            logger.info("WeChat URL verification passed")
            return Self.text(.ok, Array(echo.utf8))
        } catch {
            logger.warning("WeChat URL verification refused", metadata: ["wechat.reject": "\(error.kind)"])
            return Self.refusal(error)
        }
    }

    func receive(_ request: Request) async -> Response {
        let body: [UInt8]
        do {
            body = try await RequestBody.collect(request, limit: maxBodyBytes)
        } catch {
            logger.warning("WeChat push refused", metadata: ["wechat.reject": "\(error.code)", "http.status": "\(error.status.code)"])
            return Self.text(error.status, Array(error.code.utf8))
        }
        let receivedAt = now()
        let opened: WeChatOpenedPush
        do {
            opened = try services.verifier.open(Self.query(request), body: body, now: receivedAt)
        } catch {
            logger.warning("WeChat push refused", metadata: ["wechat.reject": "\(error.kind)", "http.bytes": "\(body.count)"])
            return Self.refusal(error)
        }
        switch services.mapper.map(opened.push, receivedAt: receivedAt) {
        case .acknowledge(let reason):
            logger.debug("WeChat push acknowledged without a reply", metadata: ["wechat.ack_reason": "\(reason)"])
            return Self.text(.ok, Self.success)
        case .submit(let message):
            do {
                switch try await intake.submit(message) {
                case .accepted:
                    break
                case .duplicatePending, .duplicateDone:
                    logger.debug("WeChat push redelivered; already recorded")
                }
                return Self.text(.ok, Self.success)
            } catch {
                let status: HTTPResponse.Status = .serviceUnavailable
                logger.error("WeChat push not recorded; WeChat will retry", metadata: ["wechat.reject": "\(error)", "http.status": "\(status.code)"])
                var response = Self.text(status, Array("busy".utf8))
                response.headers[.retryAfter] = "1"
                return response
            }
        }
    }

    /// The first value of each query parameter, percent-decoded.
    static func query(_ request: Request) -> [String: String] {
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters where query[String(key)] == nil {
            query[String(key)] = String(value)
        }
        return query
    }

    static func refusal(_ error: WeChatPushError) -> Response {
        let status: HTTPResponse.Status = switch error {
        case .badSignature, .staleTimestamp, .encryptionRequired, .decryption(.appIDMismatch): .forbidden
        case .missingParameter, .invalidParameter, .unreadableBody, .decryption, .invalidMessage, .encryptionNotConfigured: .badRequest
        }
        return text(status, Array(error.kind.utf8))
    }

    static func text(_ status: HTTPResponse.Status, _ bytes: [UInt8]) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
