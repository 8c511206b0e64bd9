import AsyncHTTPClient
import ChatCore
import Foundation
import HeartlineServer
import Hummingbird
import HummingbirdTesting
import Logging
import ModelBackends
import Testing

/// `safety.moderation`: the `/v1/moderations` client against a fake speaking the documented wire
/// format, and the whole application with the second opinion on (settings → factory → pipeline).
@Suite(.timeLimit(.minutes(2))) struct ModerationSecondOpinionTests {
    func client(_ base: String, key: String) -> OpenAIModerationClient {
        OpenAIModerationClient(client: OpenAIClient(httpClient: .shared, configuration: OpenAIConfiguration(baseURL: base, apiKey: key, maxRetries: 0)))
    }

    @Test func theClientSpeaksTheWireFormatAndRejectsAnythingElse() async throws {
        let fake = FakeModerationServer()
        try await fake.run { base in
            let moderation = client(base, key: fake.key)
            let soon = { ContinuousClock.now + .seconds(5) }
            let flagged = try await moderation.moderate("I have decided MARK_INTENT", deadline: soon())
            #expect(flagged == ModerationResult(selfHarm: true, selfHarmIntent: true, selfHarmInstructions: false))
            #expect(try await moderation.moderate("how to sleep", deadline: soon()) == ModerationResult())
            #expect(try await moderation.moderate("MARK_INSTRUCTIONS", deadline: soon()).selfHarmInstructions)
            #expect(fake.bodies.first == ["model": "omni-moderation-latest", "input": "I have decided MARK_INTENT"])

            fake.set(.garbage)
            await #expect(throws: ModelError.self) { try await moderation.moderate("x", deadline: soon()) }
            fake.set(.noResults)
            await #expect(throws: ModelError.invalidResponse("no moderation result")) { try await moderation.moderate("x", deadline: soon()) }
            fake.set(.status(500))
            await #expect(throws: ModelError.server(status: 500)) { try await moderation.moderate("x", deadline: soon()) }
            fake.set(.normal)
            await #expect(throws: ModelError.self) { try await client(base, key: "sk-wrong").moderate("x", deadline: soon()) }

            fake.set(.slow(.seconds(120)))
            let started = ContinuousClock.now
            await #expect(throws: ModelError.timeout) { try await moderation.moderate("x", deadline: started + .milliseconds(300)) }
            // The deadline holds (with slack for a loaded machine), never the service's 120 s.
            #expect(ContinuousClock.now - started < .seconds(30))
        }
    }

    @Test func theApplicationRaisesReplacesAndFailsSafeAsDocumented() async throws {
        let fake = FakeModerationServer()
        try await fake.run { base in
            var settings = HeartlineSettings()
            settings.dataDirectory = temporaryDataDirectory()
            settings.http.port = 0
            settings.model.name = "remote-test-model"
            settings.model.baseURL = base
            settings.model.apiKey = fake.key
            settings.safety.moderation.enabled = true
            // Generous: this test is about the rules, not the deadline (the fake answers at once, and a
            // loaded machine must not turn a verdict into a timeout; timeouts are tested above).
            settings.safety.moderation.budget = .seconds(10)
            var logger = Logger(label: "moderation-test")
            logger.logLevel = .critical
            let dependencies = try await HeartlineDependencies.live(settings: settings, logger: logger)
            defer { try? FileManager.default.removeItem(atPath: settings.dataDirectory) }
            let app = buildApplication(settings: settings, dependencies: dependencies, logger: logger)
            do {
                try await app.test(.router) { client in
                    func ask(_ user: String, _ text: String) async throws -> [String: Any] {
                        let json = String(decoding: try JSONSerialization.data(withJSONObject: ["user": user, "text": text, "id": UUID().uuidString]), as: UTF8.self)
                        return object(try await client.postLocal(json))
                    }
                    // The local detector misses it; the second opinion raises it to a crisis.
                    let raised = try await ask("a", "I have made up my mind MARK_INTENT")
                    #expect(raised["tier"] as? String == "crisis" && raised["source"] as? String == "crisis")
                    #expect((raised["body"] as? String)?.contains("988") == true)

                    // Clear input and output: the remote model's answer is shown, both were checked.
                    let plain = try await ask("b", "how can I sleep better")
                    #expect(plain["source"] as? String == "model")
                    #expect(fake.moderated.suffix(2) == ["how can I sleep better", "先把担心的事写下来，再试着慢慢呼吸。"])

                    // A flagged reply of the remote model is replaced.
                    fake.answer(with: "here is how MARK_INSTRUCTIONS")
                    let replaced = try await ask("c", "how can I make a study plan")
                    #expect(replaced["source"] as? String == "outputReplaced")
                    #expect((replaced["body"] as? String)?.contains("MARK_INSTRUCTIONS") == false)

                    // The service fails: input goes on with the local verdict, the reply is not shown unchecked.
                    fake.answer(with: "a perfectly calm answer")
                    fake.set(.status(503))
                    let unchecked = try await ask("d", "what helps with stress")
                    #expect(unchecked["source"] as? String == "outputReplaced")
                    #expect(unchecked["body"] as? String == ReplyCatalog.text(.holding, .en))
                    // A local crisis is answered by the local detector alone, service or not.
                    let local = try await ask("e", "我今晚就去跳楼")
                    #expect(local["tier"] as? String == "crisis")
                    // Every check is counted by stage and outcome.
                    let metrics = String(decoding: dependencies.metrics.render() ?? [], as: UTF8.self).split(separator: "\n")
                    let lines = metrics.filter { $0.hasPrefix("heartline_moderation_checks_total{") }
                    #expect(lines.contains { $0.contains("stage=\"input\"") && $0.contains("outcome=\"flagged\"") })
                    #expect(lines.contains { $0.contains("stage=\"output\"") && $0.contains("outcome=\"error\"") })
                }
            } catch {
                await dependencies.close()
                throw error
            }
            await dependencies.close()
        }
    }

    @Test func settingsAreTypedOffByDefaultAndNeedARemoteModel() async throws {
        var defaults = SettingsLoader(reader: try await SettingsLoader.reader(overrides: [:], environment: [:], dotEnvPath: nil))
        let plain = try defaults.load()
        #expect(!plain.safety.moderation.enabled && plain.safety.moderation.model == "omni-moderation-latest")
        #expect(plain.safety.moderation.budget == .milliseconds(1500))

        var embedded = SettingsLoader(reader: try await SettingsLoader.reader(overrides: ["safety.moderation.enabled": "true"], environment: [:], dotEnvPath: nil))
        #expect { try embedded.load() } throws: { ($0 as? SettingsError)?.problems.contains { $0.hasPrefix("safety.moderation.enabled") } == true }

        var remote = SettingsLoader(reader: try await SettingsLoader.reader(overrides: [
            "model.name": "qwen", "model.baseUrl": "http://127.0.0.1:8081/v1", "safety.moderation.enabled": "true",
            "safety.moderation.budgetMs": "800", "safety.moderation.baseUrl": "https://api.openai.com/v1", "safety.moderation.apiKey": "sk-x",
        ], environment: [:], dotEnvPath: nil))
        let settings = try remote.load()
        #expect(settings.safety.moderation.enabled && settings.safety.moderation.budget == .milliseconds(800))
        #expect(settings.safety.moderation.baseURL == "https://api.openai.com/v1" && settings.safety.moderation.apiKey == "sk-x")

        var noKey = SettingsLoader(reader: try await SettingsLoader.reader(overrides: [
            "model.name": "qwen", "model.baseUrl": "http://127.0.0.1:8081/v1", "safety.moderation.enabled": "true",
            "safety.moderation.baseUrl": "https://api.openai.com/v1", "safety.moderation.budgetMs": "99999",
        ], environment: [:], dotEnvPath: nil))
        #expect { try noKey.load() } throws: { error in
            let problems = (error as? SettingsError)?.problems ?? []
            return problems.contains { $0.hasPrefix("safety.moderation.apiKey") } && problems.contains { $0.hasPrefix("safety.moderation.budgetMs") }
        }
    }
}
