import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import TelegramBotAPIFake

// Helpers for bench/telegram/run.sh (and for trying the real binary by hand):
//   TelegramWebhookBench fake-api <port> [token]   the strict fake Bot API, counts at GET /_stats
//   TelegramWebhookBench bare <port>               a bare Hummingbird POST /telegram/webhook → 200
// Both run until SIGINT/SIGTERM.

var logger = Logger(label: "bench")
logger.logLevel = .warning
let arguments = CommandLine.arguments.dropFirst()
guard let mode = arguments.first, let port = arguments.dropFirst().first.flatMap({ Int($0) }) else {
    FileHandle.standardError.write(Data("usage: TelegramWebhookBench fake-api|bare <port> [token]\n".utf8))
    exit(2)
}

switch mode {
case "fake-api":
    var options = TelegramBotAPIFake.Options(recordBodies: false)
    if let token = arguments.dropFirst(2).first { options.token = token }
    let fake = TelegramBotAPIFake(options: options)
    let app = fake.makeApplication(port: port, logger: logger) { bound in
        print("fake Bot API listening on http://127.0.0.1:\(bound)")
        fflush(nil)
    }
    try await app.runService()
case "bare":
    // The floor for the comparison: read the body, answer 200, nothing else.
    let router = Router(context: BasicRequestContext.self)
    router.post("/telegram/webhook") { request, _ -> Response in
        _ = try await request.body.collect(upTo: 1 << 20)
        return Response(status: .ok)
    }
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
    print("bare route listening on http://127.0.0.1:\(port)")
    fflush(nil)
    try await app.runService()
default:
    FileHandle.standardError.write(Data("unknown mode \(mode)\n".utf8))
    exit(2)
}
