import ArgumentParser
import Foundation
import HeartlineServer
import Hummingbird
import Logging
import NIOCore
import Simulator

/// `heartline serve`: runs the service until SIGTERM/SIGINT, then drains in-flight work.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the Heartline service (local mode on 127.0.0.1:8080 when nothing is configured)."
    )

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: "Address to listen on (default 127.0.0.1).")
    var host: String?

    @Option(name: .long, help: "Port to listen on (default 8080; 0 picks a free port).")
    var port: Int?

    @Option(name: .customLong("telegram-mode"), help: "Telegram: webhook, polling or off (default: webhook when telegram.token is set).")
    var telegramMode: String?

    @Flag(name: .customLong("telegram-delete-webhook"), help: "In polling mode, delete a webhook that is set instead of refusing to start.")
    var telegramDeleteWebhook = false

    @Flag(name: .customLong("no-simulator"), help: "Local mode without the webhook simulator's fake Telegram and WeChat.")
    var noSimulator = false

    func run() async throws {
        var extra: [String: String] = [:]
        extra["host"] = host
        extra["port"] = port.map(String.init)
        extra["telegram.mode"] = telegramMode
        if telegramDeleteWebhook { extra["telegram.polling.deleteWebhook"] = "true" }
        let settings = try await common.settings(extra: extra)
        let logger = LoggingSetup.bootstrap(level: settings.logLevel)
        guard !noSimulator, LocalSimulator.applies(settings) else {
            try await Self.serve(settings: settings, logger: logger, simulator: nil)
            return
        }
        // Local mode: fake platforms first (their address goes into the settings), then Heartline.
        let configuration = LocalSimulator.configuration(for: settings)
        let flags = common.overrides().merging(extra) { _, new in new }
        let configFile = common.config
        try await LocalSimulator.withSimulator(configuration, logger: logger) { engine, simulatorBase in
            let local = try await LocalSimulator.settings(
                overrides: flags.merging(LocalSimulator.overrides(configuration, platformBase: simulatorBase)) { mine, _ in mine }, configFile: configFile
            )
            try await Self.serve(settings: local, logger: logger, simulator: (engine, simulatorBase))
        }
    }

    static func serve(settings: HeartlineSettings, logger: Logger, simulator: (engine: SimulatorEngine, base: String)?) async throws {
        let dependencies: HeartlineDependencies
        do {
            dependencies = try await HeartlineDependencies.live(settings: settings, logger: logger)
        } catch {
            throw ValidationError("cannot start: \(error)")
        }
        // The health check of a remote model runs while the server starts; the banner waits for it.
        let modelLines = Task { await ModelServerBanner.lines(settings: settings) }
        let app = buildApplication(settings: settings, dependencies: dependencies, logger: logger) { channel in
            let port = channel.localAddress?.port ?? settings.http.port
            await simulator?.engine.setTarget(LocalSimulator.base(host: settings.http.host, port: port))
            Self.printBanner(settings: settings, port: port, simulator: simulator?.base, modelLines: await modelLines.value)
        }
        try await app.runService()
    }

    static func printBanner(settings: HeartlineSettings, port: Int, simulator: String? = nil, modelLines: [String] = []) {
        let base = "http://\(settings.http.host.contains(":") ? "[\(settings.http.host)]" : settings.http.host):\(port)"
        var lines = ["Heartline is listening on \(base)"]
        lines.append("  model: \(settings.model.name.isEmpty ? "embedded retrieval model (starter corpus)" : settings.model.name) · data: \(settings.dataDirectory)")
        lines.append(contentsOf: modelLines.map { "  " + $0 })
        if settings.localChannelEnabled {
            lines.append("  talk to it:")
            lines.append("    curl -s \(base)/v1/local/messages -H 'Content-Type: application/json' -d '{\"user\":\"alice\",\"text\":\"最近总是失眠，晚上翻来覆去睡不着怎么办\"}'")
        }
        if let simulator {
            lines.append("  chat as a Telegram or WeChat user (webhook simulator, fake platforms, no network): \(simulator)/simulator/")
        } else {
            lines.append(contentsOf: TelegramBanner.lines(settings: settings, base: base))
        }
        if settings.handoff.isEnabled {
            lines.append("  counsellor console (handoff.token): \(base)/console/")
        }
        lines.append("  health: \(base)/healthz · readiness: \(base)/readyz · stop with Ctrl-C")
        print(lines.joined(separator: "\n"))
        fflush(nil)
    }
}
