import ChatCore
import Foundation
import Metrics

/// Handoff metrics: how many are open, how long users wait for a counsellor's first message, and
/// how many no counsellor answered in time.
extension HeartlineMetrics {
    func handoffOpened(channel: ChatChannel, reason: Handoff.Reason) {
        counter("heartline_handoffs_opened_total", [("channel", channel.rawValue), ("reason", reason.rawValue)]).increment()
    }

    func handoffTimedOut() {
        counter("heartline_handoffs_timed_out_total", []).increment()
    }

    func handoffClosed() {
        counter("heartline_handoffs_closed_total", []).increment()
    }

    /// Seconds from opening to the counsellor's first message.
    func handoffFirstReply(after seconds: TimeInterval) {
        timer("heartline_handoff_first_reply_seconds", []).record(duration: .milliseconds(Int64(max(0, seconds) * 1000)))
    }

    /// Sampled at scrape time.
    func sampleHandoffs(open: Int) {
        Metrics.Gauge(label: "heartline_handoffs_open", factory: factory).record(open)
    }
}
