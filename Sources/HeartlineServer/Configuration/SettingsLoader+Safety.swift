import Foundation

extension SettingsLoader {
    /// `safety.*` keys. Problems join the others so the operator sees them all at once.
    mutating func loadSafety(into safety: inout SafetySettings) {
        safety.blocklistPath = string("safety.blocklist")
        if let path = safety.blocklistPath, !FileManager.default.isReadableFile(atPath: path) {
            problems.append("safety.blocklist: \(path) does not exist or is not readable")
        }
        safety.ratePerMinute = int("safety.rateLimit.perMinute", range: 1...10_000) ?? safety.ratePerMinute
        safety.ratePerDay = int("safety.rateLimit.perDay", range: 1...1_000_000) ?? safety.ratePerDay
        safety.maxRepeats = int("safety.maxRepeats", range: 2...1000) ?? safety.maxRepeats
        safety.refuseAbuse = bool("safety.refuseAbuse") ?? safety.refuseAbuse

        var alert = safety.alert
        alert.telegramToken = secret("safety.alert.telegramToken")
        alert.telegramChatID = string("safety.alert.telegramChatId")
        alert.telegramBaseURL = string("safety.alert.telegramBaseUrl") ?? alert.telegramBaseURL
        alert.webhookURL = string("safety.alert.webhookUrl")
        alert.webhookToken = secret("safety.alert.webhookToken")
        if let minutes = double("safety.alert.minIntervalMinutes", range: 0...(7 * 24 * 60)) {
            alert.minInterval = .milliseconds(Int64(minutes * 60_000))
        }
        alert.timeout = milliseconds("safety.alert.timeoutMs", range: 100...120_000) ?? alert.timeout
        if (alert.telegramToken == nil) != (alert.telegramChatID == nil) {
            problems.append("safety.alert: set both safety.alert.telegramToken and safety.alert.telegramChatId")
        }
        for (key, url) in [("safety.alert.webhookUrl", alert.webhookURL), ("safety.alert.telegramBaseUrl", alert.telegramBaseURL)] {
            if let url, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
                problems.append("\(key): must start with http:// or https://")
            }
        }
        safety.alert = alert
        loadModeration(into: &safety.moderation)
    }

    /// `safety.moderation.*`; whether a remote model is configured is checked by `checkModeration`.
    mutating func loadModeration(into moderation: inout SafetySettings.Moderation) {
        moderation.enabled = bool("safety.moderation.enabled") ?? moderation.enabled
        moderation.model = string("safety.moderation.model") ?? moderation.model
        moderation.budget = milliseconds("safety.moderation.budgetMs", range: 50...10_000) ?? moderation.budget
        moderation.baseURL = string("safety.moderation.baseUrl")
        moderation.apiKey = secret("safety.moderation.apiKey")
        if let url = moderation.baseURL, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            problems.append("safety.moderation.baseUrl: must start with http:// or https://")
        }
    }

    /// The second opinion is for a remote model's conversations; with the embedded model alone it
    /// would only send users' messages to a third party for nothing the local detector lacks.
    mutating func checkModeration(_ settings: HeartlineSettings) {
        let moderation = settings.safety.moderation
        guard moderation.enabled else { return }
        if settings.model.name.isEmpty {
            problems.append("safety.moderation.enabled: needs a remote model (model.name); the embedded model is not moderated remotely")
        }
        if moderation.model.isEmpty {
            problems.append("safety.moderation.model: must not be empty")
        }
        if (moderation.baseURL ?? settings.model.baseURL).contains("api.openai.com"), (moderation.apiKey ?? settings.model.apiKey) == nil {
            problems.append("safety.moderation.apiKey: required for OpenAI's moderation endpoint (or set model.apiKey / OPENAI_API_KEY)")
        }
    }
}
