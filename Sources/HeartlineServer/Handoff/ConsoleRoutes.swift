import Foundation
import Hummingbird
import NIOCore

/// `GET /console/`: the counsellors' web console (plain HTML and JavaScript, no build step). The
/// page holds no data; it asks for the handoff token and calls the JSON API with it.
enum ConsoleRoutes {
    static let files: [String: String] = [
        "index.html": "text/html; charset=utf-8", "console.js": "text/javascript; charset=utf-8", "console.css": "text/css; charset=utf-8",
    ]

    static func add<Context: RequestContext>(to router: Router<Context>) {
        router.get("/console/") { _, _ in file("index.html") }
        router.get("/console/{file}") { _, context in file(context.parameters.get("file") ?? "") }
    }

    static func file(_ name: String) -> Response {
        guard let type = files[name],
              let url = Bundle.module.url(forResource: "console", withExtension: nil)?.appendingPathComponent(name),
              let data = try? Data(contentsOf: url)
        else { return Response(status: .notFound) }
        return Response(
            status: .ok,
            headers: [.contentType: type, .cacheControl: "no-store", .init("Content-Security-Policy")!: "default-src 'self'; frame-ancestors 'none'"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
