import AsyncHTTPClient
import Datasets
import HeartlineServer
import ModelBackends

/// The lines `ask` and `serve` print about a configured remote model: which server, which
/// endpoint, whether it is healthy now, and a warning for a model that no longer exists. Nothing
/// for the embedded model. Never a key: the URL is printed without credentials or query.
enum ModelServerBanner {
    static func lines(settings: HeartlineSettings, timeout: Duration = .seconds(2)) async -> [String] {
        guard !settings.model.name.isEmpty else { return [] }
        var lines: [String] = []
        let configuration = ModelFactory.openAIConfiguration(settings: settings)
        let status = await OpenAIClient(httpClient: HTTPClient.shared, configuration: configuration).probe(timeout: timeout)
        lines.append(status.summary)
        if FineTuningTargets.isOpenAI(baseURL: settings.model.baseURL), case .retired(let reason) = FineTuningTargets.verdict(for: settings.model.name) {
            lines.append("warning: " + (reason.split(separator: "\n").first.map(String.init) ?? reason))
        }
        return lines
    }
}
