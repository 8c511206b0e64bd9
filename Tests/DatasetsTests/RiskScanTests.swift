import ChatCore
import Synchronization
import Testing
@testable import Datasets

@Suite struct RiskScanTests {
    @Test("the multi-pattern matcher finds what a naive search finds")
    func matcherAgreesWithNaiveSearch() {
        let patterns = ["自杀", "杀", "自", "he", "she", "his", "hers", "割腕", "腕表", "🔪", "abab", "bab"].map { Array($0.utf8) }
        let matcher = MultiPatternMatcher(patterns: patterns)
        var random = SeededRandom(seed: 3)
        let alphabet = Array("自杀割腕表 hersab🔪，".unicodeScalars)
        for _ in 0..<300 {
            var text = String.UnicodeScalarView()
            for _ in 0..<random.next(30) { text.append(alphabet[random.next(alphabet.count)]) }
            let bytes = Array(String(text).utf8)
            var expected: [String] = []
            for end in 1...max(1, bytes.count) where end <= bytes.count {
                for (index, pattern) in patterns.enumerated() where pattern.count <= end && Array(bytes[(end - pattern.count)..<end]) == pattern {
                    expected.append("\(index)@\(end)")
                }
            }
            let found = matcher.matches(in: bytes).map { "\($0.pattern)@\($0.end)" }
            #expect(found.sorted() == expected.sorted(), "\(String(text))")
        }
    }

    @Test("the scan reads across separators, rejects training-risk content and spares its negations")
    func scan() {
        let scan = TrainingRiskScan()
        func verdict(_ text: String) -> TrainingRiskScan.Verdict { scan.scan(folded: TextNormalizer.fold(text)) }
        #expect(verdict("安眠药的致 死 量是多少").reject == "dose")
        #expect(verdict("一整瓶吃下去，第二天就醒不过来").reject == "dose")
        #expect(verdict("割腕的时候，竖着割").reject == "method-detail")
        #expect(verdict("从顶楼跳楼的话，一定会死").reject == "lethality")
        #expect(verdict("你想死就去死").reject == "encouragement")
        #expect(verdict("死亡是一种解脱").reject == "romanticising")
        #expect(verdict("LETHAL  DOSE").reject == "dose", "folded first: case and spacing do not matter")
        #expect(verdict("死亡并不是解脱，痛苦是可以过去的").reject == nil)
        #expect(verdict("死亡并不是解脱，痛苦是可以过去的").candidate)
        #expect(verdict("我也想过紫.砂").candidate)
        #expect(verdict("s u i c i d e").candidate)
        #expect(verdict("🔪").candidate)
        let innocent = verdict("可以每天固定时间起床，让身体慢慢找回节奏。和信任的朋友聊一聊，说出来本身就会轻松一些。")
        #expect(innocent == TrainingRiskScan.Verdict(reject: nil, candidate: false))
    }

    @Test("the scan-first screen: keywords and scan rejections first, the detector on short texts and candidates only")
    func scanFirstScreen() {
        let calls = CallLog()
        let screen = ScanFirstContentScreen(detectorLimit: 20) { text in
            calls.append(text)
            return text.contains("危险") ? "intent" : nil
        }
        #expect(screen.screen("我想自杀")?.category == "suicide")
        #expect(calls.count == 0, "the keyword screen decides without the detector")
        #expect(screen.screen("很危险")?.category == "intent", "short: the detector reads it")
        let long = String(repeating: "每天散步二十分钟，心情会好一些。", count: 4)
        #expect(screen.screen(long + "危险") == nil, "long and no candidate: clear without the detector")
        #expect(calls.count == 1)
        #expect(screen.screen(long + "危险的刀") != nil, "a candidate: the detector reads it")
        #expect(calls.count == 2)
        #expect(screen.screen(long + "吃多少片会死")?.category == "dose")
        #expect(calls.count == 2, "rejected by the scan alone")
    }
}

/// Texts a fake detector was called with.
final class CallLog: Sendable {
    private let texts = Mutex<[String]>([])
    func append(_ text: String) { texts.withLock { $0.append(text) } }
    var count: Int { texts.withLock { $0.count } }
}
