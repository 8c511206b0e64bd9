import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HeartlineTestSupport
import Testing

/// The browser UI in a real headless Chromium (Debian's `chromium`, installed by .ci/run): the page
/// loads, a message typed and sent through the page gets its reply rendered, and a duplicate
/// delivery triggered with the button leaves exactly one reply. The page drives itself with
/// `?selftest=1` (clicks and DOM reads in the page) and reports to the simulator; on failure a
/// phone-sized screenshot is saved under .build/test-artefacts/simulator/.
extension SimulatorEndToEnd {
@Suite(.serialized) struct BrowserUITests {
    static let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static func chromiumArguments(profile: String) -> [String] {
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--window-size=390,844", "--user-data-dir=" + profile]
    }

    @Test(
        .enabled(if: Self.chromium != nil, "no chromium found (apt-get install chromium; .ci/run does)"),
        arguments: ["telegram", "wechat", "miniprogram"]
    )
    func sendingAndADuplicateDeliveryInHeadlessChromium(platform: String) async throws {
        let chromium = try #require(Self.chromium)
        let directory = temporaryDirectory()
        let simulate = try await ChildProcess(Binaries.heartline, ["simulate", "--web", "--data-dir", directory], directory: directory)
        defer { simulate.signal(SIGTERM) }
        let line = try #require(await simulate.waitForLine(timeout: .seconds(90)) { $0.hasPrefix("Heartline simulator: ") }, "\(simulate.errors.suffix(5))")
        let url = String(line.dropFirst("Heartline simulator: ".count).prefix { !$0.isWhitespace })
        let page = url + "?selftest=1&platform=\(platform)&user=browser_\(platform)"
        let browser = try await ChildProcess(chromium, Self.chromiumArguments(profile: directory + "/chromium") + ["--remote-debugging-port=0", page], directory: directory)
        defer { browser.signal(SIGTERM) }

        var report: [String: Any]?
        let deadline = ContinuousClock.now + .seconds(120)
        while report == nil, ContinuousClock.now < deadline, browser.isRunning {
            try await Task.sleep(for: .milliseconds(300))
            if let data = try? await get(url + "api/ui-report"), let list = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] {
                report = list.first
            }
        }
        let passed = report?["ok"] as? Bool == true
        if !passed {
            let shot = try await screenshot(chromium: chromium, page: url, name: "simulator-\(platform).png", profile: directory + "/shot")
            Issue.record("UI self-test failed: \(report.map { "\($0)" } ?? "no report (browser \(browser.isRunning ? "running" : "exited"): \(browser.errors.suffix(5)))"); screenshot: \(shot)")
        }
        #expect(report?["replies"] as? Int == 1)
        #expect(report?["repliesAfterDuplicate"] as? Int == 1)
        await browser.stop()
        await simulate.stop()
    }

    func get(_ url: String) async throws -> Data {
        var request = URLRequest(url: try #require(URL(string: url)))
        request.timeoutInterval = 5
        return try await URLSession.shared.data(for: request).0
    }

    func screenshot(chromium: String, page: String, name: String, profile: String) async throws -> String {
        let folder = Binaries.packageRoot + "/.build/test-artefacts/simulator"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/" + name
        let child = try await ChildProcess(chromium, Self.chromiumArguments(profile: profile) + ["--screenshot=" + path, page])
        _ = await child.waitForExit(timeout: .seconds(60))
        return path
    }
}
}
