import ChatCore
import Safety

/// Heartline's own crisis detection for a Q&A question, run before WeChat's content check
/// (adapters/wechat-miniprogram/README.md §4, "safety first"): a crisis or concern verdict is
/// answered by the safety layer whatever `msg_sec_check` says, and a platform verdict can only add
/// caution to a question Heartline judged harmless.
///
/// Only the detector runs here — the same bundled rules and classifier as the safety layer, over
/// the same recent questions — never the layer's rate limits or repeat counting, which the
/// pipeline applies once per message.
struct MiniProgramSafetyCheck: Sendable {
    let detector: (any CrisisDetecting)?
    let sessions: any SessionStore
    let contextTurns: Int

    /// The detector over the shipped lexicon; nil when it cannot be loaded (then every platform
    /// refusal becomes the holding reply with hotlines, since a crisis cannot be ruled out).
    static func bundled(sessions: any SessionStore, contextTurns: Int) -> MiniProgramSafetyCheck {
        let detector: CrisisDetector? = try? CrisisDetector.bundled()
        return MiniProgramSafetyCheck(detector: detector, sessions: sessions, contextTurns: contextTurns)
    }

    /// The tier of `question`, or nil when the detector is unavailable or failed.
    func tier(of question: String, user: UserHash) async -> SafetyTier? {
        guard let detector else { return nil }
        // A session that cannot be read only loses the context; the question itself is still judged.
        let session: Session? = (try? await sessions.load(user)).flatMap { $0 }
        let recent = session.map { Array($0.turns.suffix(contextTurns).map(\.question)) } ?? []
        return try? detector.detect(question, recent: recent).tier
    }
}
