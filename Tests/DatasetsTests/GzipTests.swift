import Foundation
import Testing
@testable import Datasets

@Suite("gzip (pure Swift inflate)")
struct GzipTests {
    func inflate(_ path: String) throws -> [UInt8] {
        var source = try DatasetInput.open(path: path)
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1000)
        while true {
            let n = try readChunk(&source, into: &chunk)
            if n == 0 { break }
            out += chunk[0..<n]
        }
        return out
    }

    @Test("dynamic Huffman blocks decode and the CRC matches")
    func dynamic() throws {
        let bytes = try inflate(Fixture.path("gzip/sample-dynamic.jsonl.gz"))
        #expect(bytes.count == 240_735)
        var crc = CRC32()
        bytes.withUnsafeBytes { crc.update($0) }
        #expect(crc.value == 3_062_820_266)
        #expect(String(decoding: bytes.prefix(14), as: UTF8.self) == #"{"prompt":"第"#)
    }

    @Test("stored blocks and concatenated members give the same text")
    func storedAndMembers() throws {
        let full = try inflate(Fixture.path("gzip/sample-dynamic.jsonl.gz"))
        #expect(try inflate(Fixture.path("gzip/sample-stored.jsonl.gz")) == Array(full.prefix(80_000)))
        #expect(try inflate(Fixture.path("gzip/sample-two-members.jsonl.gz")) == full)
    }

    @Test("the efaqa fixture reads the same plain and gzipped")
    func efaqaFixture() throws {
        let plain = try #require(FileManager.default.contents(atPath: Fixture.path("efaqa-sample.jsonl")))
        #expect(try inflate(Fixture.path("efaqa-sample.jsonl.gz")) == Array(plain))
    }

    @Test("a corrupted or truncated gzip file is an error, not garbage")
    func corrupt() throws {
        let temp = TempDirectory()
        defer { temp.cleanup() }
        var bytes = try #require(FileManager.default.contents(atPath: Fixture.path("gzip/sample-dynamic.jsonl.gz")).map(Array.init))
        let truncated = temp.write("t.gz", bytes: Array(bytes.prefix(bytes.count / 2)))
        #expect(throws: DatasetError.self) { try inflate(truncated) }
        bytes[bytes.count - 6] ^= 0xFF  // inside the CRC
        let badCRC = temp.write("c.gz", bytes: bytes)
        do {
            _ = try inflate(badCRC)
            Issue.record("no error")
        } catch let error as DatasetError {
            #expect(error.description.contains("CRC"))
        }
        let garbage = temp.write("g.gz", bytes: [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 0xFF, 0xFF, 0xFF])
        #expect(throws: DatasetError.self) { try inflate(garbage) }
    }
}
