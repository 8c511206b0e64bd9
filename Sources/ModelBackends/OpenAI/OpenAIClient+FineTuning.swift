import Foundation
import NIOHTTP1

/// A fine-tuning job (docs/protocols.md C.7); fields the tools use, decoded tolerantly.
public struct FineTuningJob: Decodable, Sendable, Equatable {
    public struct JobError: Decodable, Sendable, Equatable {
        public var code: String?
        public var message: String?
        public var param: String?
    }

    public var id: String
    public var model: String?
    public var status: String
    public var created_at: Int?
    public var finished_at: Int?
    public var fine_tuned_model: String?
    public var training_file: String?
    public var validation_file: String?
    public var trained_tokens: Int?
    public var estimated_finish: Int?
    public var error: JobError?
    public var metadata: [String: String]?

    public static let terminalStatuses: Set<String> = ["succeeded", "failed", "cancelled"]
    public var isTerminal: Bool { Self.terminalStatuses.contains(status) }
}

/// A job event; metrics events carry numbers in `data` (C.7).
public struct FineTuningEvent: Decodable, Sendable, Equatable {
    public struct Metrics: Decodable, Sendable, Equatable {
        public var step: Double?
        public var total_steps: Double?
        public var train_loss: Double?
        public var valid_loss: Double?
        public var train_mean_token_accuracy: Double?
        public var valid_mean_token_accuracy: Double?
    }

    public var id: String
    public var created_at: Int?
    public var level: String?
    public var message: String?
    public var type: String?
    public var data: Metrics?

    public init(id: String, created_at: Int? = nil, level: String? = nil, message: String? = nil, type: String? = nil, data: Metrics? = nil) {
        self.id = id
        self.created_at = created_at
        self.level = level
        self.message = message
        self.type = type
        self.data = data
    }

    enum CodingKeys: String, CodingKey { case id, created_at, level, message, type, data }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        created_at = try c.decodeIfPresent(Int.self, forKey: .created_at)
        level = try c.decodeIfPresent(String.self, forKey: .level)
        message = try c.decodeIfPresent(String.self, forKey: .message)
        type = try c.decodeIfPresent(String.self, forKey: .type)
        // `data` is an object of numbers for metrics, null or something else otherwise.
        data = try? c.decodeIfPresent(Metrics.self, forKey: .data)
    }
}

/// `{"object":"list","data":[…],"has_more":…}`.
public struct OpenAIList<Element: Decodable & Sendable>: Decodable, Sendable {
    public var data: [Element]
    public var has_more: Bool?
}

/// The body of `POST /v1/fine_tuning/jobs`.
public struct FineTuningJobRequest: Encodable, Sendable, Equatable {
    public struct Method: Encodable, Sendable, Equatable {
        public struct Supervised: Encodable, Sendable, Equatable {
            public struct Hyperparameters: Encodable, Sendable, Equatable {
                public var n_epochs: Int
            }
            public var hyperparameters: Hyperparameters
        }
        public var type = "supervised"
        public var supervised: Supervised
    }

    public var model: String
    public var training_file: String
    public var validation_file: String?
    public var suffix: String?
    public var seed: Int?
    public var method: Method?
    public var metadata: [String: String]?

    public init(model: String, trainingFile: String, validationFile: String? = nil, suffix: String? = nil, epochs: Int? = nil, seed: Int? = nil, metadata: [String: String]? = nil) {
        self.model = model
        self.training_file = trainingFile
        self.validation_file = validationFile
        self.suffix = suffix
        self.seed = seed
        self.method = epochs.map { Method(supervised: .init(hyperparameters: .init(n_epochs: $0))) }
        self.metadata = metadata
    }
}

extension OpenAIClient {
    private var callDeadline: ContinuousClock.Instant { ContinuousClock.now + configuration.requestTimeout }

    /// Creates a job. Not retried automatically: a retry after a lost response could start a
    /// second paid job; callers reconcile by `metadata` instead (see `FineTuneCreate`).
    public func createFineTuningJob(_ request: FineTuningJobRequest) async throws(OpenAIClientError) -> FineTuningJob {
        let response = try await send(.POST, "/fine_tuning/jobs", body: Self.encode(request), deadline: callDeadline, retry: false)
        return try decode(FineTuningJob.self, from: response)
    }

    public func fineTuningJob(id: String) async throws(OpenAIClientError) -> FineTuningJob {
        let response = try await send(.GET, "/fine_tuning/jobs/" + Self.pathComponent(id), deadline: callDeadline)
        return try decode(FineTuningJob.self, from: response)
    }

    public func listFineTuningJobs(after: String? = nil, limit: Int = 20) async throws(OpenAIClientError) -> OpenAIList<FineTuningJob> {
        var path = "/fine_tuning/jobs?limit=\(limit)"
        if let after { path += "&after=" + Self.pathComponent(after) }
        let response = try await send(.GET, path, deadline: callDeadline)
        return try decode(OpenAIList<FineTuningJob>.self, from: response)
    }

    public func cancelFineTuningJob(id: String) async throws(OpenAIClientError) -> FineTuningJob {
        let response = try await send(.POST, "/fine_tuning/jobs/" + Self.pathComponent(id) + "/cancel", deadline: callDeadline)
        return try decode(FineTuningJob.self, from: response)
    }

    /// One page of events, newest first (C.7); pass the last id received as `after` for older ones.
    public func fineTuningEvents(id: String, after: String? = nil, limit: Int = 50) async throws(OpenAIClientError) -> OpenAIList<FineTuningEvent> {
        var path = "/fine_tuning/jobs/" + Self.pathComponent(id) + "/events?limit=\(limit)"
        if let after { path += "&after=" + Self.pathComponent(after) }
        let response = try await send(.GET, path, deadline: callDeadline)
        return try decode(OpenAIList<FineTuningEvent>.self, from: response)
    }

    /// Every event newer than `lastSeen` (all of them when nil), oldest first, walking pages.
    public func newFineTuningEvents(id: String, after lastSeen: String?, pageSize: Int = 50) async throws(OpenAIClientError) -> [FineTuningEvent] {
        var collected: [FineTuningEvent] = []
        var cursor: String?
        var pages = 0
        while true {
            let page = try await fineTuningEvents(id: id, after: cursor, limit: pageSize)
            pages += 1
            for event in page.data {
                if event.id == lastSeen { return collected.reversed() }
                collected.append(event)
            }
            guard page.has_more == true, let last = page.data.last, pages < 10_000 else { break }
            cursor = last.id
        }
        return collected.reversed()
    }
}
