import ArgumentParser
import ChatCore
import Foundation
import HeartlineServer
import Logging
import Synchronization

/// `heartline ask "…"`: one question through the same pipeline and model as the service.
struct Ask: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ask one question through the pipeline and the configured model, and print the reply."
    )

    @OptionGroup var common: CommonOptions

    @Argument(help: "The question.")
    var question: String

    @Option(name: .long, help: "User name for the session (sessions are kept as with the service).")
    var user: String = "cli"

    @Option(name: .long, help: "Language of fixed replies: zh or en (default: from the text).")
    var lang: String?

    @Flag(name: .long, help: "Print a JSON object with reply, tier and source.")
    var json = false

    func run() async throws {
        let settings = try await common.settings()
        let logger = LoggingSetup.bootstrap(level: common.logLevel ?? "warning")
        let dependencies: HeartlineDependencies
        do {
            dependencies = try await HeartlineDependencies.live(settings: settings, logger: logger, withInbox: false)
        } catch {
            throw ValidationError("cannot start: \(error)")
        }
        let pipeline = ConversationPipeline(
            configuration: settings.pipeline,
            sessions: dependencies.sessions,
            model: dependencies.model,
            safety: dependencies.safety,
            logger: logger,
            now: dependencies.now
        )
        let message = InboundMessage(
            channel: .local, userKey: "local:" + user, chatKey: user, platformMessageID: UUID().uuidString,
            text: question, languageTag: lang, receivedAt: Date()
        )
        // The health check runs beside the question, so it adds no time; its lines go to standard
        // error, so the reply (or --json) stays alone on standard output.
        async let serverLines = ModelServerBanner.lines(settings: settings)
        // With model.stream, each checked sentence is shown on standard error as it passes; the
        // reply (which replaces them when a later sentence fails the check) is standard output.
        let drafts: ReplyDraftSink? = settings.pipeline.streamReplies && !json ? Self.draftPrinter() : nil
        let reply = await dependencies.whileRunning {
            await pipeline.handle(message, userHash: dependencies.hasher.hash(message.userKey), drafts: drafts)
        }
        for line in await serverLines { Terminal.note(line) }
        await dependencies.close()
        if json {
            struct Output: Encodable {
                var reply: String
                var tier: String
                var source: String
            }
            print(String(decoding: JSONCoding.encode(Output(reply: reply.text, tier: reply.tier.rawValue, source: reply.source.rawValue)), as: UTF8.self))
        } else {
            print(reply.text)
        }
    }

    /// Prints what each draft adds to the one before, as `… <sentences>` lines.
    static func draftPrinter() -> ReplyDraftSink {
        let printed = Mutex("")
        return { draft in
            let added: String? = printed.withLock { printed in
                guard draft.count > printed.count, draft.hasPrefix(printed) else { return nil }
                defer { printed = draft }
                return String(draft.dropFirst(printed.count))
            }
            if let added { Terminal.note("… " + added.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
    }
}
