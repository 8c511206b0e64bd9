import ChatCore

/// Checks a model reply before anyone reads it: method or lethality details, drug names with
/// doses, a diagnosis stated as fact, encouragement or romanticising of self-harm, promises the bot
/// cannot keep. Rules live in `output.rules`.
public struct OutputChecker: Sendable {
    let engine: RuleEngine

    public init(lexicon: Lexicon) {
        engine = RuleEngine(lexicon: lexicon, ruleSet: "output", canonicalizer: Canonicalizer(variants: lexicon.variants, pinyin: lexicon.pinyin))
    }

    /// The checker over the shipped lexicon, built once per process.
    public static func bundled() throws(LexiconError) -> OutputChecker {
        try shipped.get()
    }

    private static let shipped: Result<OutputChecker, LexiconError> = {
        do throws(LexiconError) {
            return .success(OutputChecker(lexicon: try Lexicon.bundled()))
        } catch {
            return .failure(error)
        }
    }()

    /// The reasons the reply must be replaced (`method`, `drug_dose`, `diagnosis`,
    /// `encouragement`, `promise`); empty when it may be shown.
    public func violations(in reply: String) -> [String] {
        CrisisDetector.unique(engine.evaluate(engine.canonicalizer.canonicalize(reply)).filter { $0.label == "replace" }.map(\.family))
    }
}
