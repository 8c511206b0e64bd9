import AsyncHTTPClient
import Foundation
import Logging
import Synchronization
import TelegramAdapter
import TelegramBotAPIFake

/// Records the waits the client asks for and waits only a millisecond, so tests of `retry_after`
/// and backoff stay fast while still checking the durations.
final class SleepRecorder: Sendable {
    let waits = Mutex<[Duration]>([])

    func sleep(_ duration: Duration) async throws {
        waits.withLock { $0.append(duration) }
        try await Task.sleep(for: .milliseconds(1))
    }

    var recorded: [Duration] { waits.withLock { $0 } }
}

/// Runs a test against the fake Bot API on loopback with a real client.
enum BotAPIHarness {
    static func run<T: Sendable>(
        fake: TelegramBotAPIFake = TelegramBotAPIFake(),
        token: String = Fixtures.token,
        attemptTimeout: Duration = .seconds(10),
        maxResponseBytes: Int = 8 << 20,
        _ body: @Sendable (TelegramBotAPIFake, TelegramBotAPI, SleepRecorder) async throws -> T
    ) async throws -> T {
        try await fake.run { baseURL in
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            let recorder = SleepRecorder()
            let api = TelegramBotAPI(
                httpClient: client,
                configuration: .init(
                    baseURL: baseURL + "/", token: TelegramBotToken(validating: token)!, callTimeout: .seconds(20),
                    attemptTimeout: attemptTimeout, maxResponseBytes: maxResponseBytes
                ),
                sleep: { try await recorder.sleep($0) }
            )
            do {
                let value = try await body(fake, api, recorder)
                try await client.shutdown()
                return value
            } catch {
                try? await client.shutdown()
                throw error
            }
        }
    }
}

