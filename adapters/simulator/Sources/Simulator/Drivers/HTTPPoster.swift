import AsyncHTTPClient
import ChatCore
import Foundation
import NIOCore
import NIOHTTP1

/// One HTTP request with a hard deadline; the simulator never waits without one.
struct HTTPPoster: Sendable {
    struct Answer: Sendable {
        var status: Int
        var body: [UInt8]
        var latency: Duration
    }

    enum Failure: Error, Sendable {
        case timeout(Duration)
        case unreachable(String)
    }

    let client: HTTPClient
}

/// The simulator's HTTP client: a refused connection is reported at once instead of being retried
/// until the deadline (AsyncHTTPClient's default), so "unreachable" and "never answers" differ.
public enum SimulatorHTTPClient {
    public static let shared: HTTPClient = {
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(3)))
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()
}

extension HTTPPoster {
    func send(_ method: HTTPMethod, _ url: String, headers: [(String, String)], body: [UInt8]?, deadline: Duration) async throws(Failure) -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        // A fresh connection per request: a pooled one that the other side closes while idle would
        // otherwise fail a request now and then ("the server closed the connection").
        request.headers.replaceOrAdd(name: "Connection", value: "close")
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let start = ContinuousClock.now
        do {
            let response = try await client.execute(request, timeout: .milliseconds(deadline.milliseconds))
            let buffer = try await response.body.collect(upTo: 8 << 20)
            return Answer(status: Int(response.status.code), body: Array(buffer.readableBytesView), latency: .now - start)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw .timeout(.now - start)
        } catch {
            if ContinuousClock.now - start >= deadline { throw .timeout(.now - start) }
            throw .unreachable(Self.describe(error))
        }
    }

    /// A short, readable reason (connection refused, unknown host…) without the error dump.
    static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("refused") || text.contains("ECONNREFUSED") { return "connection refused" }
        if text.contains("connectTimeout") || text.contains("connect timeout") { return "connection timed out" }
        if text.contains("remoteConnectionClosed") { return "the server closed the connection" }
        return String(text.prefix(200))
    }
}

/// Stable small numbers for simulated users (Telegram ids, group ids): FNV-1a of the name.
enum StableID {
    static func of(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }

    /// Letters, digits and `_` only (openids and login codes are built from it).
    static func slug(_ user: String) -> String {
        let kept = user.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
        let text = String(String.UnicodeScalarView(kept))
        return text.isEmpty ? "u" + String(of(user) % 1_000_000) : String(text.prefix(24))
    }
}

enum JSONText {
    static func encode(_ object: Any) -> [UInt8] {
        Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8))
    }

    static func object(_ bytes: [UInt8]) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any]
    }

    /// Pretty JSON for display, or the text as it is.
    static func pretty(_ bytes: [UInt8]) -> String {
        if let object = try? JSONSerialization.jsonObject(with: Data(bytes)),
           let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) {
            return String(decoding: data, as: UTF8.self)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
