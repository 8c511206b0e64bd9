import ArgumentParser
import Datasets
import Foundation

/// `heartline dataset estimate`: tokens and cost; with a budget, a sampled file that fits it.
struct DatasetEstimate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimate",
        abstract: "Estimate tokens and fine-tuning cost; --max-cost / --max-bytes write a sample that fits.",
        discussion: "Tokens are estimated at 1.9 per Chinese character and 0.25 per ASCII character (calibrated on the recipe's pricing; see docs/datasets.md)."
    )

    @Argument(help: "The JSONL training file.")
    var file: String
    @Option(name: .long, help: "Base model to price (default \(FineTuningTargets.defaultModel), chat format).")
    var model = FineTuningTargets.defaultModel
    @Option(name: .long, help: "Epochs (default 4, the recipe's).")
    var epochs = 4
    @Option(name: .long, help: "USD per 1K trained tokens, overriding the table.")
    var price: Double?
    @Option(name: .customLong("price-file"), help: "JSON {\"model\": USD per 1K tokens} laid over the built-in table.")
    var priceFile: String?
    @Option(name: .customLong("tokens-per-cjk"), help: "Tokens per non-ASCII character (default 1.9).")
    var tokensPerCJK = TokenEstimator.calibratedCJK
    @Option(name: .customLong("max-cost"), help: "Budget in USD: write a sample that fits (-o).")
    var maxCost: Double?
    @Option(name: .customLong("max-bytes"), help: "Size budget, e.g. 500MB or 200000000: write a sample that fits (-o).")
    var maxBytes: String?
    @Option(name: [.short, .long], help: "Where the sample goes (default FILE with .sample.jsonl).")
    var output: String?
    @Option(name: .long, help: "Sampling seed.")
    var seed: UInt64 = 42

    func run() async throws {
        guard epochs >= 1, epochs <= 50 else { throw ValidationError("--epochs must be 1…50 (C.7)") }
        if case .retired(let reason) = FineTuningTargets.verdict(for: model) { throw Terminal.fail(reason) }
        let table: PriceTable
        do {
            table = try priceFile.map { try PriceTable.load(path: $0) } ?? PriceTable()
        } catch {
            throw Terminal.fail("\(error)")
        }
        let unitPrice = price ?? table.price(for: model)
        let estimator = CostEstimator(estimator: TokenEstimator(tokensPerCJK: tokensPerCJK), epochs: epochs, pricePerThousand: unitPrice)
        let byteLimit = try maxBytes.map(Self.parseBytes)
        do {
            let full = try estimator.estimate(path: file)
            print("\(file):")
            print(Self.describe(full, model: model))
            if let layout = FineTuningTargets.layout(for: model), let format = (try? TrainingFileReader.layout(path: file)) ?? nil, format != layout {
                print("  ! \(model) trains on \(layout.rawValue) lines but this file is \(format.rawValue): `heartline dataset check \(file) --for-model \(model)`")
            }
            guard maxCost != nil || byteLimit != nil else { return }
            let target = output ?? (file.hasSuffix(".jsonl") ? String(file.dropLast(6)) : file) + ".sample.jsonl"
            let sample = try estimator.sample(path: file, output: target, budget: .init(maxCost: maxCost, maxBytes: byteLimit, seed: seed))
            print("Sample within the budget → \(target):")
            print(Self.describe(sample, model: model))
        } catch {
            throw Terminal.fail("\(error)")
        }
    }

    static func describe(_ e: CostEstimator.Estimate, model: String) -> String {
        var lines = ["  \(e.examples) example(s), \(e.bytes) bytes, \(e.characters.total) characters (\(e.characters.other) non-ASCII)"]
        lines.append("  ≈ \(Int(e.tokensPerEpoch.rounded())) tokens per epoch × \(e.epochs) epochs = \(Int(e.trainedTokens.rounded())) trained tokens")
        if let cost = e.cost, let price = e.pricePerThousand {
            lines.append(String(format: "  ≈ USD %.2f for %@ at USD %.4f per 1K tokens (an estimate; check current prices)", cost, model, price))
        } else {
            lines.append("  no price known for \(model): pass --price")
        }
        if e.bytes > 512 * 1_000_000 { lines.append("  over OpenAI's 512 MB file limit: use --max-bytes") }
        return lines.joined(separator: "\n")
    }

    /// `500MB`, `1.5GB`, `200000000`, `64KiB`.
    static func parseBytes(_ text: String) throws -> Int {
        let t = text.trimmingCharacters(in: .whitespaces).uppercased()
        let units: [(String, Double)] = [("KIB", 1024), ("MIB", 1_048_576), ("GIB", 1_073_741_824), ("KB", 1e3), ("MB", 1e6), ("GB", 1e9), ("B", 1)]
        for (suffix, factor) in units where t.hasSuffix(suffix) {
            if let value = Double(t.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), value > 0 { return Int(value * factor) }
        }
        if let value = Int(t), value > 0 { return value }
        throw ValidationError("--max-bytes: expected a size such as 500MB, got \(text)")
    }
}
