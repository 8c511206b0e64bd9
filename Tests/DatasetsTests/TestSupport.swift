import Foundation
import Testing
@testable import Datasets

/// Fixtures live in Tests/Fixtures/datasets (the project's own words).
enum Fixture {
    static let directory: String = {
        var url = URL(fileURLWithPath: #filePath)
        url.deleteLastPathComponent()
        url.deleteLastPathComponent()
        return url.appendingPathComponent("Fixtures/datasets").path
    }()

    static func path(_ name: String) -> String { directory + "/" + name }
}

/// A fresh directory under the system temporary directory, removed by `cleanup()`.
struct TempDirectory {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "heartline-datasets-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let target = file(name)
        FileManager.default.createFile(atPath: target, contents: Data(text.utf8))
        return target
    }

    @discardableResult
    func write(_ name: String, bytes: [UInt8]) -> String {
        let target = file(name)
        FileManager.default.createFile(atPath: target, contents: Data(bytes))
        return target
    }

    func read(_ name: String) -> String? {
        FileManager.default.contents(atPath: file(name)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Every entry, including hidden temporaries.
    var entries: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() }

    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

/// Reads every item of a source with tiny reads and a tiny chunk, to cross chunk boundaries.
func readAll(_ text: String, layout: InputLayout, maxRead: Int = 7, policy: RecordReader.InvalidUTF8Policy = .stop) throws(DatasetError) -> [RecordReader.Item] {
    try readAll(Array(text.utf8), layout: layout, maxRead: maxRead, policy: policy)
}

func readAll(_ bytes: [UInt8], layout: InputLayout, maxRead: Int = 7, policy: RecordReader.InvalidUTF8Policy = .stop, maxRecordBytes: Int = 1 << 20) throws(DatasetError) -> [RecordReader.Item] {
    var configuration = RecordReader.Configuration()
    configuration.chunkSize = 16
    configuration.invalidUTF8 = policy
    configuration.maxRecordBytes = maxRecordBytes
    var reader = RecordReader(source: MemoryByteSource(bytes, maxRead: maxRead), layout: layout, configuration: configuration)
    defer { reader.close() }
    var items: [RecordReader.Item] = []
    while let item = try reader.next() { items.append(item) }
    return items
}

extension RecordReader.Item {
    var value: JSONValue? { if case .record(let v, _) = self { v } else { nil } }
    var position: SourcePosition {
        switch self {
        case .record(_, let p), .skipped(_, let p): p
        }
    }
    var error: DatasetError? { if case .skipped(let e, _) = self { e } else { nil } }
}

/// Runs a throwing call and returns its typed error, if any.
func datasetError<T>(_ body: () throws -> T) -> DatasetError? {
    do {
        _ = try body()
        return nil
    } catch let error as DatasetError {
        return error
    } catch {
        Issue.record("unexpected error type: \(error)")
        return nil
    }
}
