import ChatCore
import Foundation
import HeartlineServer
import Logging
import Testing

/// `HeartlineDependencies.live` owns the HTTP client it creates: when a later step fails (here
/// the Telegram state directory is a regular file), the client is shut down before the error is
/// thrown. A client left running trips AsyncHTTPClient's "not shut down before the deinit"
/// assertion in debug builds, so this test crashes rather than passes if it leaks.
@Suite struct DependenciesLifecycleTests {
    @Test func aFailureAfterTheClientExistsShutsItDown() async throws {
        let directory = temporaryDataDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data("not a directory".utf8).write(to: URL(fileURLWithPath: directory + "/telegram"))
        let reader = try await SettingsLoader.reader(
            environment: ["HEARTLINE_TELEGRAM_TOKEN": "7000000002:AAH-test-token-for-heartline-tests_x", "HEARTLINE_DATA_DIR": directory],
            dotEnvPath: nil
        )
        var loader = SettingsLoader(reader: reader)
        var settings = try loader.load()
        settings.dataDirectory = directory
        var logger = Logger(label: "dependencies-test")
        logger.logLevel = .critical
        await #expect(throws: (any Error).self) { _ = try await HeartlineDependencies.live(settings: settings, logger: logger) }
    }
}
