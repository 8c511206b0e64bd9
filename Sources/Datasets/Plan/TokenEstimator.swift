/// Estimates tokens without a tokenizer, for budgets and cost: Chinese (and every other non-ASCII
/// character) counts `tokensPerCJK`, ASCII `tokensPerASCII`.
///
/// Calibration (docs/datasets.md): the recipe's 8 MB training file cost about USD 4 to fine-tune
/// `ada` at USD 0.0004 per 1K training tokens for the default 4 epochs → 4 / 4 / 0.0004 × 1000 =
/// 2.5 M tokens per epoch. The recipe wrote JSON with Python's default `ensure_ascii`, 6 bytes
/// (`\uXXXX`) per Chinese character, so 8 MB held ≈ 8,000,000 × 0.97 (JSON keys) / 6 ≈ 1.29 M
/// characters → ≈ 1.9 tokens per character. That is the GPT-3 tokenizer; the newer ones
/// (cl100k for babbage-002/davinci-002, o200k for gpt-4o) need fewer, so the default is an upper
/// bound: budgets computed with it are not exceeded.
public struct TokenEstimator: Sendable, Equatable {
    public var tokensPerCJK: Double
    public var tokensPerASCII: Double

    public static let calibratedCJK = 1.9
    /// OpenAI's rule of thumb for English: about 4 characters per token.
    public static let defaultASCII = 0.25

    public init(tokensPerCJK: Double = TokenEstimator.calibratedCJK, tokensPerASCII: Double = TokenEstimator.defaultASCII) {
        self.tokensPerCJK = tokensPerCJK
        self.tokensPerASCII = tokensPerASCII
    }

    public func tokens(_ text: String) -> Double {
        var ascii = 0
        var other = 0
        for scalar in text.unicodeScalars {
            if scalar.isASCII { ascii += 1 } else { other += 1 }
        }
        return Double(ascii) * tokensPerASCII + Double(other) * tokensPerCJK
    }

    /// Tokens of counted characters.
    public func tokens(ascii: Int, other: Int) -> Double {
        Double(ascii) * tokensPerASCII + Double(other) * tokensPerCJK
    }
}

/// Character counts that feed the estimate.
public struct CharacterCount: Sendable, Equatable {
    public var ascii = 0
    public var other = 0

    public init() {}

    public init(_ text: String) {
        for scalar in text.unicodeScalars {
            if scalar.isASCII { ascii += 1 } else { other += 1 }
        }
    }

    public var total: Int { ascii + other }

    public static func += (a: inout CharacterCount, b: CharacterCount) {
        a.ascii += b.ascii
        a.other += b.other
    }
}
