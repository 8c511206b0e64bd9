import ChatCore
import Foundation
import HeartlineServer
import Testing

/// The JSON config file (`serve --config`), read by swift-configuration's JSON file provider:
/// nested objects are dotted keys, numbers and booleans are read like their text, the
/// environment wins over the file, and a missing or malformed file is a clear settings error.
@Suite struct ConfigFileTests {
    func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("heartline-config-\(UUID().uuidString).json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func load(file: String, environment: [String: String] = [:]) async throws -> HeartlineSettings {
        let reader = try await SettingsLoader.reader(configFile: file, environment: environment, dotEnvPath: nil)
        var loader = SettingsLoader(reader: reader)
        return try loader.load()
    }

    @Test func nestedNumbersAndBooleansAreRead() async throws {
        let path = try write("""
            {"workers": 12, "handoff": {"token": "0123456789abcdef-token", "onCrisis": false, "timeoutMinutes": 2.5}}
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let settings = try await load(file: path)
        #expect(settings.workers == 12)
        #expect(settings.handoff.pipeline == .init(enabled: true, onCrisis: false, timeout: .seconds(150)))
        let overridden = try await load(file: path, environment: ["HEARTLINE_WORKERS": "20"])
        #expect(overridden.workers == 20)
    }

    @Test func invalidValuesInTheFileAreReported() async throws {
        let path = try write(#"{"workers": 0, "handoff": {"token": "0123456789abcdef-token", "onCrisis": "maybe"}}"#)
        defer { try? FileManager.default.removeItem(atPath: path) }
        await #expect(throws: SettingsError.self) { try await load(file: path) }
        do {
            _ = try await load(file: path)
        } catch {
            #expect("\(error)".contains("workers") && "\(error)".contains("handoff.onCrisis"))
        }
    }

    @Test func aMissingOrMalformedFileIsASettingsError() async throws {
        await #expect(throws: SettingsError.self) { try await load(file: "/nonexistent/heartline.json") }
        let broken = try write("{\"workers\": ")
        defer { try? FileManager.default.removeItem(atPath: broken) }
        await #expect(throws: SettingsError.self) { try await load(file: broken) }
        let array = try write("[1, 2, 3]")
        defer { try? FileManager.default.removeItem(atPath: array) }
        await #expect(throws: SettingsError.self) { try await load(file: array) }
    }
}
