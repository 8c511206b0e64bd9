import Foundation

/// A small local record of uploads and jobs (`<data.dir>/finetune/state.json`, mode 0600), so
/// re-running `finetune create` with the same file neither uploads it again nor starts a second
/// job, and `finetune follow` resumes after the last event it printed.
struct FineTuneState: Codable {
    struct Upload: Codable {
        var fileID: String
        var bytes: Int
        var filename: String
        var uploadedAt: Date
    }

    struct Job: Codable {
        var id: String
        var baseURL: String
        var model: String
        var trainingFileID: String
        var validationFileID: String?
        var suffix: String?
        var epochs: Int?
        var createdAt: Date
        var lastEventID: String?
    }

    /// Key: `<base URL> <content fingerprint>`.
    var uploads: [String: Upload] = [:]
    var jobs: [Job] = []
    /// Create requests sent but not confirmed (a lost response), by request token.
    var pendingCreates: [String: Job] = [:]

    static func path(dataDirectory: String) -> String { dataDirectory + "/finetune/state.json" }

    static func load(dataDirectory: String) throws -> FineTuneState {
        let path = path(dataDirectory: dataDirectory)
        guard let data = FileManager.default.contents(atPath: path) else { return FineTuneState() }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(FineTuneState.self, from: data)
        } catch {
            throw Terminal.fail("\(path) is not readable state; move it away to start afresh")
        }
    }

    /// Atomic write: temporary file, then rename.
    func save(dataDirectory: String) throws {
        let path = Self.path(dataDirectory: dataDirectory)
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let temporary = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: try encoder.encode(self), attributes: [.posixPermissions: 0o600]) else {
            throw Terminal.fail("cannot write \(temporary)")
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw Terminal.fail("cannot write \(path)")
        }
    }

    mutating func updateJob(_ id: String, _ change: (inout Job) -> Void) {
        if let index = jobs.firstIndex(where: { $0.id == id }) { change(&jobs[index]) }
    }
}
