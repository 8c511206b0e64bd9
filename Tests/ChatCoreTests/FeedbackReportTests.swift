import ChatCore
import Foundation
import Testing

/// The feedback report's grouping and its worst-first order.
@Suite struct FeedbackReportTests {
    func tally(_ source: String, _ answer: String?, _ intent: String?, _ vote: String, _ reason: String? = nil, _ count: Int) -> FeedbackTally {
        FeedbackTally(source: source, tier: "none", answerID: answer, intent: intent, category: intent == nil ? nil : "cat", vote: vote, reason: reason, count: count)
    }

    @Test func groupsBySourceIntentAndAnswerWorstFirst() throws {
        let report = FeedbackReport(tallies: [
            tally("retrieval", "sleep#1", "sleep", "up", nil, 40),
            tally("retrieval", "sleep#1", "sleep", "down", "not_helpful", 2),
            tally("retrieval", "sleep#2", "sleep", "down", "off_topic", 30),
            tally("retrieval", "sleep#2", "sleep", "up", nil, 10),
            // One down vote alone does not outrank 30 out of 40.
            tally("retrieval", "grief#1", "grief", "down", nil, 1),
            tally("model", nil, nil, "down", "unsafe", 3),
            tally("model", nil, nil, "up", nil, 3),
        ], since: Date(timeIntervalSince1970: 0))
        #expect(report.votes == 89 && report.up == 53 && report.down == 36)
        #expect(report.byAnswer.map(\.key) == ["sleep#2", "grief#1", "sleep#1"])
        #expect(report.byAnswer[0].up == 10 && report.byAnswer[0].down == 30 && report.byAnswer[0].intent == "sleep")
        #expect(report.byIntent.map(\.key) == ["sleep", "grief"])
        #expect(report.bySource.map(\.key) == ["retrieval", "model"])
        #expect(report.reasons.map(\.reason) == ["off_topic", "unsafe", "not_helpful", "none"])
        #expect(report.reasons.map(\.count) == [30, 3, 2, 1])

        let text = report.text(limit: 2)
        #expect(text.contains("votes: 89  up: 53  down: 36"))
        #expect(text.contains("sleep#2") && text.contains("… 1 more"))
        let json = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
        #expect(json.contains("\"downRate\":0.75"))
    }

    @Test func anEmptyReportSaysSo() {
        let report = FeedbackReport(tallies: [], since: Date(timeIntervalSince1970: 0))
        #expect(report.votes == 0 && report.byAnswer.isEmpty)
        #expect(report.text().contains("no votes yet"))
    }
}
