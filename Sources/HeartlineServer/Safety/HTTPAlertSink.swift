import AsyncHTTPClient
import ChatCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Safety

/// Why an operator alert could not be delivered.
public enum AlertDeliveryError: Error, Sendable, Equatable {
    case rejected(status: Int)
    case transport(String)
}

/// Sends operator alerts over HTTP with the process's client: a Telegram chat through the Bot API
/// `sendMessage` (docs/protocols.md B.1, B.6) and/or a webhook receiving the `CrisisAlert` as JSON. The
/// alert never contains message text.
public struct HTTPAlertSink: AlertSink {
    let httpClient: HTTPClient
    let settings: SafetySettings.Alert

    public init(httpClient: HTTPClient, settings: SafetySettings.Alert) {
        self.httpClient = httpClient
        self.settings = settings
    }

    public func send(_ alert: CrisisAlert) async throws {
        var failure: (any Error)?
        if let token = settings.telegramToken, let chat = settings.telegramChatID {
            do {
                try await post(url: "\(settings.telegramBaseURL)/bot\(token)/sendMessage", body: Self.telegramBody(alert, chatID: chat), bearer: nil)
            } catch {
                failure = error
            }
        }
        if let webhook = settings.webhookURL {
            do {
                try await post(url: webhook, body: Self.webhookBody(alert), bearer: settings.webhookToken)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }

    /// `{"chat_id": …, "text": …}`; a numeric chat id is sent as a number, `@channel` as a string.
    static func telegramBody(_ alert: CrisisAlert, chatID: String) -> [UInt8] {
        struct Body: Encodable {
            var chatID: ChatID
            var text: String
            enum CodingKeys: String, CodingKey {
                case chatID = "chat_id"
                case text
            }
        }
        enum ChatID: Encodable {
            case number(Int64)
            case name(String)
            func encode(to encoder: any Encoder) throws {
                var container = encoder.singleValueContainer()
                switch self {
                case .number(let n): try container.encode(n)
                case .name(let s): try container.encode(s)
                }
            }
        }
        return encode(Body(chatID: Int64(chatID).map(ChatID.number) ?? .name(chatID), text: alert.summary))
    }

    static func webhookBody(_ alert: CrisisAlert) -> [UInt8] { encode(alert) }

    private static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return (try? [UInt8](encoder.encode(value))) ?? []
    }

    private func post(url: String, body: [UInt8], bearer: String?) async throws {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "heartline")
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(request, timeout: .milliseconds(settings.timeout.milliseconds))
            _ = try await response.body.collect(upTo: 64 * 1024)
        } catch {
            throw AlertDeliveryError.transport("\(type(of: error))")
        }
        guard (200..<300).contains(Int(response.status.code)) else { throw AlertDeliveryError.rejected(status: Int(response.status.code)) }
    }
}
