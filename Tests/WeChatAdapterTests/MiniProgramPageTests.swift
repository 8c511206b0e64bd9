import Foundation
import HeartlineTestSupport
import Testing

/// The mini-program page (`adapters/wechat-miniprogram/miniprogram`): its JSON parses, every page
/// in app.json has its four files, WXML tags balance, it calls only the server's real API paths
/// and handles every error code the server can send; the JavaScript passes `node --check` (via
/// `scripts/check-miniprogram.sh`) when node is installed.
@Suite struct MiniProgramPageTests {
    let root = Fixtures.directory.appendingPathComponent("miniprogram")

    func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    @Test func appJSONListsPagesThatExist() throws {
        let app = try #require(try JSONSerialization.jsonObject(with: Data(text("app.json").utf8)) as? [String: Any])
        let pages = try #require(app["pages"] as? [String])
        #expect(!pages.isEmpty)
        for page in pages {
            for ext in ["wxml", "wxss", "js", "json"] {
                #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("\(page).\(ext)").path), "\(page).\(ext)")
            }
        }
        for json in ["project.config.json", "sitemap.json", "pages/index/index.json"] {
            #expect(throws: Never.self) { try JSONSerialization.jsonObject(with: Data(text(json).utf8)) }
        }
    }

    @Test func wxmlTagsBalance() throws {
        let wxml = try text("pages/index/index.wxml")
        let stripped = wxml.replacing(/\{\{[\s\S]*?\}\}/, with: "x")
        var stack: [String] = []
        for match in stripped.matches(of: /<(\/?)([a-zA-Z][\w-]*)([^>]*?)(\/?)>/) {
            if match.4 == "/" { continue }
            if match.1 == "/" {
                #expect(stack.popLast() == String(match.2), "unbalanced </\(match.2)>")
            } else {
                stack.append(String(match.2))
            }
        }
        #expect(stack.isEmpty)
        #expect(wxml.contains("{{hotline}}"))
        #expect(wxml.contains("item.disclaimer"))
        // A failed retry shows its error and button before any older answer.
        let error = try #require(wxml.range(of: "item.status === 'error'"))
        let answer = try #require(wxml.range(of: "wx:elif=\"{{item.answer}}\""))
        #expect(error.lowerBound < answer.lowerBound)
        #expect(wxml.contains("session-from="))
        #expect(wxml.contains("bindtap=\"call\"") && wxml.contains("bindtap=\"copy\"") && wxml.contains("bindtap=\"deleteData\""))
    }

    @Test func usesTheServersPathsAndKnowsItsErrorCodes() throws {
        let session = try text("utils/session.js")
        let ask = try text("utils/ask.js")
        let messages = try text("utils/messages.js")
        #expect(try text("config.js").contains("apiPrefix: '/wechat/miniprogram'"))
        #expect(session.contains("post('/login'") && ask.contains("'/ask'") && ask.contains("'/forget'"))
        #expect(ask.contains("Authorization: 'Bearer '"))
        for code in ["invalid_code", "login_rate_limited", "login_blocked", "wechat_unavailable", "wechat_error", "invalid_session",
                     "rate_limited", "busy", "store_unavailable", "invalid_field", "already_answered", "forget_failed", "network",
                     "offline", "timeout", "interrupted", "pending_timeout"] {
            #expect(messages.contains("\(code):"), "no message for \(code)")
        }
    }

    /// Whether `node` is on PATH: without it the script has nothing to run, so the test is skipped
    /// (visibly) rather than passed.
    static let hasNode = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
        FileManager.default.isExecutableFile(atPath: "\($0)/node")
    }

    @Test(.enabled(if: Self.hasNode, "node is not on PATH"))
    func javaScriptPassesNodeCheck() async throws {
        let script = Fixtures.directory.appendingPathComponent("scripts/check-miniprogram.sh").path
        let result = try await runCommand("/usr/bin/env", ["bash", script], combineOutput: true, timeout: .seconds(120))
        #expect(result.status == 0, "\(result.stdout)")
    }
}
