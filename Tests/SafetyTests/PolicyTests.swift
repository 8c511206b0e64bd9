import ChatCore
import Foundation
import Testing
@testable import Safety

@Suite struct PolicyTests {
    let user = UserHash("hash-u1")

    @Test func rateLimiterAllowsTenPerMinuteThenRefills() {
        let limiter = RateLimiter()
        let clock = TestClock()
        for _ in 0..<10 { #expect(limiter.consume(user, at: clock.now) == .allowed) }
        guard case .limited(let wait) = limiter.consume(user, at: clock.now) else {
            Issue.record("eleventh message in a minute was allowed")
            return
        }
        #expect(wait > 0 && wait <= 6.01)
        clock.advance(6)
        #expect(limiter.consume(user, at: clock.now) == .allowed)
        #expect(limiter.consume(UserHash("other"), at: clock.now) == .allowed)
    }

    @Test func rateLimiterEnforcesTheDailyBucket() {
        let limiter = RateLimiter(limits: .init(perMinute: 1000, perDay: 5))
        let clock = TestClock()
        for _ in 0..<5 {
            #expect(limiter.consume(user, at: clock.now) == .allowed)
            clock.advance(60)
        }
        guard case .limited(let wait) = limiter.consume(user, at: clock.now) else {
            Issue.record("daily limit not enforced")
            return
        }
        #expect(wait > 3600)
        clock.advance(86_400)
        #expect(limiter.consume(user, at: clock.now) == .allowed)
    }

    @Test func forgetClearsTheBuckets() {
        let limiter = RateLimiter(limits: .init(perMinute: 1, perDay: 10))
        let now = Date()
        _ = limiter.consume(user, at: now)
        #expect(limiter.consume(user, at: now) != .allowed)
        limiter.forget(user)
        #expect(limiter.consume(user, at: now) == .allowed)
    }

    @Test func blocklistMatchesAndReloadsWhenTheFileChanges() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("blocklist-\(UUID().uuidString).txt").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "# comment\n违禁词\n".write(toFile: path, atomically: true, encoding: .utf8)
        let list = Blocklist(path: path, checkInterval: 0)
        let clock = TestClock()
        try list.load(at: clock.now)
        #expect(try list.match("这里有个 违 禁 词", at: clock.now))
        #expect(try !list.match("普通的话", at: clock.now))

        try "普通\n".write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(10)], ofItemAtPath: path)
        clock.advance(1)
        #expect(try list.match("普通的话", at: clock.now))
        #expect(try !list.match("违禁词", at: clock.now))
    }

    @Test func unreadableBlocklistKeepsTheLastGoodListOrThrows() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("blocklist-\(UUID().uuidString).txt").path
        try "违禁词\n".write(toFile: path, atomically: true, encoding: .utf8)
        let list = Blocklist(path: path, checkInterval: 0)
        let clock = TestClock()
        #expect(try list.match("违禁词", at: clock.now))
        try FileManager.default.removeItem(atPath: path)
        clock.advance(1)
        #expect(try list.match("违禁词", at: clock.now), "the gate must stay closed")
        #expect(list.isStale)

        let never = Blocklist(path: path + ".missing", checkInterval: 0)
        #expect(throws: BlocklistError.self) { try never.match("任何话", at: clock.now) }
    }

    @Test func repeatedMessagesAndFloodsAreSpam() {
        let guardian = RepeatGuard(maxRepeats: 3, window: 600)
        let clock = TestClock()
        for _ in 0..<3 { #expect(!guardian.isFlood("在吗", user: user, at: clock.now)) }
        #expect(guardian.isFlood("在吗", user: user, at: clock.now))
        clock.advance(601)
        #expect(!guardian.isFlood("在吗", user: user, at: clock.now))
        #expect(guardian.isFlood(String(repeating: "啊", count: 300), user: UserHash("x"), at: clock.now))
    }

    @Test func lexiconSyntaxErrorsNameFileAndLine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lexicon-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "紫砂 => 自杀\n".write(toFile: dir + "/normalize.txt", atomically: true, encoding: .utf8)
        try "@want\n  想\n".write(toFile: dir + "/a.classes", atomically: true, encoding: .utf8)
        try "# ok\ncrisis intent : @want @nothing\n".write(toFile: dir + "/input.rules", atomically: true, encoding: .utf8)
        #expect(throws: LexiconError.syntax(file: "input.rules", line: 2, message: "unknown class @nothing")) {
            try Lexicon.load(directory: dir)
        }
        try "crisis intent @want\n".write(toFile: dir + "/input.rules", atomically: true, encoding: .utf8)
        #expect(throws: LexiconError.self) { try Lexicon.load(directory: dir) }
    }
}
