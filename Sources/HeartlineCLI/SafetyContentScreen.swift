import ChatCore
import Datasets
import Safety

/// Dataset screening with the safety layer's crisis detector, on top of the conservative keyword
/// screen: a pair is flagged when either flags it. Crisis answers belong to the safety layer, so
/// training data must not teach a model to improvise them.
struct SafetyContentScreen: ContentScreen {
    let detector: CrisisDetector
    let keywords = KeywordContentScreen()

    /// The bundled detector, or the keyword screen alone if the lexicon cannot be loaded.
    static func standard() -> any ContentScreen {
        (try? CrisisDetector.bundled()).map { SafetyContentScreen(detector: $0) } ?? KeywordContentScreen()
    }

    func screen(_ text: String) -> ContentFlag? {
        screen(text, folded: TextNormalizer.fold(text))
    }

    func screen(_ text: String, folded: String) -> ContentFlag? {
        if let flag = keywords.screen(text, folded: folded) { return flag }
        let detection = detector.detect(text)
        guard detection.tier == .crisis else { return nil }
        return ContentFlag(category: detection.reasons.first ?? "crisis")
    }
}
