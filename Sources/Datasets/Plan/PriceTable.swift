import Foundation

/// Training prices in USD per 1,000 trained tokens (tokens × epochs). The defaults are the
/// published prices at the time of writing (docs/datasets.md lists their dates); prices change,
/// so override them with `--price` or a JSON file `{"model": price, …}` (`--price-file`).
public struct PriceTable: Sendable, Equatable {
    public var perThousandTokens: [String: Double]

    public init(_ perThousandTokens: [String: Double] = PriceTable.published) {
        self.perThousandTokens = perThousandTokens
    }

    public static let published: [String: Double] = [
        "babbage-002": 0.0004,
        "davinci-002": 0.006,
        "gpt-3.5-turbo": 0.008,
        "gpt-4o-mini": 0.003,
        "gpt-4o": 0.025,
        "gpt-4.1": 0.025,
        "gpt-4.1-mini": 0.005,
        "gpt-4.1-nano": 0.0015,
        // The legacy /v1/fine-tunes models the recipe used (shut down 2024-01-04), for comparison.
        "ada": 0.0004,
        "babbage": 0.0006,
        "curie": 0.003,
        "davinci": 0.03,
    ]

    /// The price of a model, matching dated snapshots (`gpt-4o-mini-2024-07-18`) and fine-tunes
    /// (`ft:davinci-002:org::id`) to their base by the longest known prefix.
    public func price(for model: String) -> Double? {
        var name = model
        if name.hasPrefix("ft:") { name = String(name.dropFirst(3).prefix { $0 != ":" }) }
        if let exact = perThousandTokens[name] { return exact }
        let match = perThousandTokens.keys.filter { name.hasPrefix($0 + "-") }.max { $0.count < $1.count }
        return match.flatMap { perThousandTokens[$0] }
    }

    /// Reads `{"model": price, …}` and lays it over the published table.
    public static func load(path: String) throws(DatasetError) -> PriceTable {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path, reason: "no such file") }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw .invalidOption("\(path) must be a JSON object of model → USD per 1K tokens")
        }
        var table = PriceTable()
        for (model, value) in object {
            guard let price = (value as? NSNumber)?.doubleValue, price >= 0 else { throw .invalidOption("\(path): the price of \(model) is not a number") }
            table.perThousandTokens[model] = price
        }
        return table
    }
}
