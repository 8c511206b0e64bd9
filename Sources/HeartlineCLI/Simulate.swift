import ArgumentParser
import Foundation
import HeartlineServer
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Simulator

/// `heartline simulate`: talk to Heartline as a Telegram, WeChat or mini-program user, through the
/// platforms' real webhook and API paths (adapters/simulator/README.md).
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Chat with Heartline as a Telegram, WeChat or mini-program user (local webhook simulator).",
        discussion: """
        Without --server, starts Heartline and the fake platforms in this process (a fresh data directory unless --data-dir is given). With --server, uses the simulator of a running `heartline serve` in local mode (the URL it prints).

        In the chat, lines starting with ':' are simulator commands: :dup (deliver the last message again), :reorder A | B, :fault NAME, :reset, :platform NAME, :user NAME, :wire, :quit.
        """
    )

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: "telegram, wechat or miniprogram.")
    var platform = "telegram"

    @Option(name: .long, help: "The simulated user's name.")
    var user = "alice"

    @Flag(name: .customLong("show-wire"), help: "Print the payloads both ways (to Heartline, its answers, its calls to the platform).")
    var showWire = false

    @Option(name: .long, help: "Play a conversation script (YAML) and check its expectations; exits 1 on a mismatch.")
    var script: String?

    @Flag(name: .long, help: "Serve the browser UI and wait (Ctrl-C stops).")
    var web = false

    @Option(name: .customLong("web-port"), help: "Port of the simulator's browser UI with --web (0: any free port).")
    var webPort = 0

    @Option(name: .long, help: "A running simulator's URL (printed by `heartline serve`); default: start one here.")
    var server: String?

    @Option(name: .long, help: "Seconds to wait for a reply.")
    var timeout = 30

    @Option(name: .long, help: "WeChat push body format: json or xml.")
    var format = "json"

    func validate() throws {
        guard SimPlatform(rawValue: platform.lowercased()) != nil else {
            throw ValidationError("unknown platform \"\(platform)\"; expected telegram, wechat or miniprogram")
        }
        guard ["json", "xml"].contains(format.lowercased()) else { throw ValidationError("--format must be json or xml") }
        guard (1...600).contains(timeout) else { throw ValidationError("--timeout must be 1 to 600 seconds") }
        if web, script != nil { throw ValidationError("--web and --script do not go together") }
        if web, server != nil { throw ValidationError("--web starts its own simulator; open the URL of a running one in a browser instead") }
    }

    func run() async throws {
        // A malformed script is reported before anything starts.
        let parsed = try script.map { try Self.load(script: $0) }
        let logger = LoggingSetup.bootstrap(level: common.logLevel ?? "error")
        let replyTimeout = Duration.seconds(timeout)
        if let server {
            let client = SimulatorClient(base: server, deadline: replyTimeout * 3 + .seconds(30))
            do {
                _ = try await client.info()
            } catch {
                Self.fail("\(error)")
                throw ExitCode(1)
            }
            try await Self.drive(client, script: parsed, chat: chatOptions)
            return
        }
        try await runLocally(logger: logger, replyTimeout: replyTimeout, script: parsed)
    }

    /// Heartline and the simulator in this process, both on loopback.
    func runLocally(logger: Logger, replyTimeout: Duration, script parsed: (ConversationScript, String)?) async throws {
        let ownDirectory = common.dataDirectory == nil
        let directory = common.dataDirectory ?? (NSTemporaryDirectory() + "heartline-simulate-" + UUID().uuidString.prefix(8))
        defer { if ownDirectory { try? FileManager.default.removeItem(atPath: directory) } }
        let extra = ["host": "127.0.0.1", "port": "0", "data.dir": directory]
        let base = try await common.settings(extra: extra)
        let configuration = LocalSimulator.configuration(for: base)
        let flags = common.overrides().merging(extra) { _, new in new }
        let configFile = common.config
        let web = web
        let chat = chatOptions
        try await LocalSimulator.withSimulator(configuration, port: webPort, replyTimeout: replyTimeout, logger: logger) { engine, simulatorBase in
            let settings = try await LocalSimulator.settings(
                overrides: flags.merging(LocalSimulator.overrides(configuration, platformBase: simulatorBase)) { _, new in new }, configFile: configFile
            )
            let dependencies: HeartlineDependencies
            do {
                dependencies = try await HeartlineDependencies.live(settings: settings, logger: logger)
            } catch {
                throw ValidationError("cannot start Heartline: \(error)")
            }
            let (ports, continuation) = AsyncStream<Int>.makeStream()
            let app = buildApplication(settings: settings, dependencies: dependencies, logger: logger) { channel in
                let port = channel.localAddress?.port ?? 0
                await engine.setTarget(LocalSimulator.base(host: "127.0.0.1", port: port))
                if web {
                    print("Heartline simulator: \(simulatorBase)/simulator/  (Heartline on http://127.0.0.1:\(port); stop with Ctrl-C)")
                    fflush(nil)
                }
                continuation.yield(port)
            }
            if web {
                try await app.runService()
                return
            }
            let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                var iterator = ports.makeAsyncIterator()
                guard let port = await iterator.next(), port > 0 else { throw ValidationError("Heartline did not start") }
                do {
                    try await Self.drive(engine, script: parsed, chat: chat)
                } catch {
                    await group.triggerGracefulShutdown()
                    try? await tasks.waitForAll()
                    throw error
                }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
    }

    struct ChatOptions: Sendable {
        var platform: SimPlatform
        var user: String
        var format: String
        var showWire: Bool
    }

    var chatOptions: ChatOptions {
        ChatOptions(platform: SimPlatform(rawValue: platform.lowercased()) ?? .telegram, user: user, format: format.lowercased(), showWire: showWire)
    }

    static func drive(_ simulator: any SimulatorDriving, script parsed: (ConversationScript, String)?, chat options: ChatOptions) async throws {
        if let (script, file) = parsed {
            let outcome = await ScriptRunner(simulator: simulator, file: file).run(script) { line in
                print(line)
                fflush(nil)
            }
            if !outcome.passed { throw ExitCode(1) }
            return
        }
        var chat = Chat(simulator: simulator, platform: options.platform, user: options.user, format: options.format, showWire: options.showWire)
        try await chat.run()
    }

    static func load(script path: String) throws -> (ConversationScript, String) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            fail("cannot read the script \(path): \(FileManager.default.fileExists(atPath: path) ? "not readable UTF-8 text" : "no such file")")
            throw ExitCode(2)
        }
        do {
            return (try ConversationScript.parse(text, file: path), path)
        } catch {
            fail("malformed script: \(error)")
            throw ExitCode(2)
        }
    }

    static func fail(_ message: String) {
        FileHandle.standardError.write(Data(("heartline simulate: " + message + "\n").utf8))
    }
}
