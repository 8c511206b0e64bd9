import ChatCore
import Datasets
import Safety

/// Dataset screening with the safety layer's crisis detector, on top of the conservative keyword
/// screen: a pair is flagged when either flags it. Crisis answers belong to the safety layer, so
/// training data must not teach a model to improvise them.
///
/// This is the thorough form (the detector reads every text, `--thorough-screen`); `standard()`
/// returns the scan-first form (`ScanFirstContentScreen`), which flags the same texts or more at a
/// fraction of the cost on corpora of long answers (docs/datasets.md, screening).
struct SafetyContentScreen: ContentScreen {
    let detector: CrisisDetector
    let keywords = KeywordContentScreen()

    /// The scan-first screen over the bundled detector (or, with `thorough`, the detector on
    /// every text); the keyword screen alone if the lexicon cannot be loaded.
    static func standard(thorough: Bool = false) -> any ContentScreen {
        guard let detector = try? CrisisDetector.bundled() else { return KeywordContentScreen() }
        if thorough { return SafetyContentScreen(detector: detector) }
        return ScanFirstContentScreen { text in crisisCategory(detector, text) }
    }

    func screen(_ text: String) -> ContentFlag? {
        screen(text, folded: TextNormalizer.fold(text))
    }

    func screen(_ text: String, folded: String) -> ContentFlag? {
        if let flag = keywords.screen(text, folded: folded) { return flag }
        return Self.crisisCategory(detector, text).map { ContentFlag(category: $0) }
    }

    /// The detector's first reason when it calls `text` a crisis.
    static func crisisCategory(_ detector: CrisisDetector, _ text: String) -> String? {
        let detection = detector.detect(text)
        guard detection.tier == .crisis else { return nil }
        return detection.reasons.first ?? "crisis"
    }
}
