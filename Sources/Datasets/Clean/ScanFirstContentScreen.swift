import ChatCore

/// The content screen `dataset prepare` and `dataset check` use with the safety detector: the
/// keyword screen, then `TrainingRiskScan`, then the detector only where it can change the answer.
///
/// The detector's work grows with the text (canonical form, every rule, the classifier's n-grams),
/// and a corpus of long answers made it most of the preparation time. So:
/// - short texts (`detectorLimit` scalars or fewer: titles, most questions, one-line answers) go to
///   the detector as before — that is where slang and obfuscated risk hide and where it is cheap;
/// - longer texts go to the detector only when the scan finds a candidate (something the detector
///   could read as a crisis); a text without one is clear.
/// Whatever the length, the keyword screen and the scan's own rejections (method details, doses,
/// lethality, encouragement, romanticising) apply first, so the result is the old screen's or
/// stricter; `ScreenEquivalenceTests` checks this against the detector.
public struct ScanFirstContentScreen: ContentScreen {
    /// The detector's verdict on a text: a category when it calls it a crisis.
    public typealias Detect = @Sendable (String) -> String?

    public let keywords: KeywordContentScreen
    public let scan: TrainingRiskScan
    public let detect: Detect
    /// Texts up to this many scalars always go to the detector.
    public var detectorLimit: Int

    public init(
        detectorLimit: Int = 80, keywords: KeywordContentScreen = KeywordContentScreen(),
        scan: TrainingRiskScan = TrainingRiskScan(), detect: @escaping Detect
    ) {
        self.detectorLimit = detectorLimit
        self.keywords = keywords
        self.scan = scan
        self.detect = detect
    }

    public func screen(_ text: String) -> ContentFlag? {
        screen(text, folded: Folding.fold(text))
    }

    public func screen(_ text: String, folded: String) -> ContentFlag? {
        if let flag = keywords.screen(text, folded: folded) { return flag }
        let verdict = scan.scan(folded: folded)
        if let category = verdict.reject { return ContentFlag(category: category) }
        guard verdict.candidate || Self.isShort(text, limit: detectorLimit) else { return nil }
        return detect(text).map { ContentFlag(category: $0) }
    }

    /// At most `limit` scalars, counted only as far as needed.
    static func isShort(_ text: String, limit: Int) -> Bool {
        // A scalar is at most 4 bytes and at least 1: decide from the byte count when possible.
        let bytes = text.utf8.count
        if bytes <= limit { return true }
        if bytes > limit * 4 { return false }
        var count = 0
        for _ in text.unicodeScalars {
            count += 1
            if count > limit { return false }
        }
        return true
    }
}
