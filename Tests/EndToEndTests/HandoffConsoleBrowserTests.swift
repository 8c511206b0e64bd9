import Foundation
import HeartlineTestSupport
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The counsellors' console in a real headless Chromium against the built binary: the page signs
/// in, lists the open handoff with the user's message, answers it and closes it through its own
/// reply box and close button; the user then holds the counsellor's message and the closing
/// notice. Skipped (visibly) where Chromium is not installed.
@Suite(.serialized, .timeLimit(.minutes(3))) struct HandoffConsoleBrowserTests {
    static let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let token = "console-handoff-token-0123456789"

    @Test(.enabled(if: Self.chromium != nil, "no chromium found (apt-get install chromium; .ci/run does)"))
    func theConsoleAnswersAndClosesAHandoff() async throws {
        let chromium = try #require(Self.chromium)
        let directory = temporaryDirectory()
        let child = try await ChildProcess(
            Binaries.path("heartline"), ["serve", "--port", "0", "--data-dir", directory, "--no-simulator"],
            environment: ["HEARTLINE_HANDOFF_TOKEN": Self.token], directory: directory
        )
        defer { child.signal(SIGKILL) }
        let banner = try #require(await child.waitForLine { $0.hasPrefix("Heartline is listening on ") }, "no banner; stderr: \(child.errors.suffix(5))")
        let base = "http://127.0.0.1:" + (banner.split(separator: ":").last ?? "")
        #expect(await child.waitForLine { $0.contains("/console/") } != nil)

        let (status, opened) = try await postJSON(base + "/v1/local/messages", #"{"user":"mei","text":"我想找真人聊聊","id":"console-1"}"#)
        #expect(status == 200 && (opened["body"] as? String)?.contains("咨询师") == true)

        let page = base + "/console/#token=\(Self.token)&name=%E7%8E%8B%E8%80%81%E5%B8%88&selftest=reply,close"
        let browser = try await ChildProcess(chromium, [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--user-data-dir=" + directory + "/chromium", "--virtual-time-budget=15000", "--dump-dom", page,
        ], directory: directory)
        _ = await browser.waitForExit(timeout: .seconds(90))
        let dom = browser.output.joined(separator: "\n")
        #expect(dom.contains(#"data-selftest="done""#), "console self-test did not finish: \(dom.suffix(800)) \(browser.errors.suffix(5))")

        // What the console did, seen from the user's side and from the API.
        let (_, pending) = try await call(base + "/v1/local/messages?user=mei", body: nil)
        let texts = (pending["messages"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
        #expect(texts.count == 2)
        #expect(texts.first?.contains("【咨询师 王老师】selftest: 我在这里陪你") == true)
        #expect(texts.last?.contains("结束") == true)
        let (_, all) = try await call(base + "/v1/handoff/conversations?status=all", body: nil, token: Self.token)
        let conversation = (all["conversations"] as? [[String: Any]])?.first
        #expect(conversation?["status"] as? String == "closed")
        #expect((conversation?["messages"] as? [[String: Any]])?.first?["text"] as? String == "我想找真人聊聊")
        child.signal(SIGTERM)
        #expect(await child.waitForExit() == 0)
    }
}
