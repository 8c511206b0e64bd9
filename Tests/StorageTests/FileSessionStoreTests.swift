import ChatCore
import Foundation
import Testing
@testable import Storage

@Suite struct FileSessionStoreTests {
    let directory = temporaryDirectory()

    func sampleSession(turns: Int = 2, at: Date = Date()) -> Session {
        var session = Session(now: at)
        for i in 0..<turns {
            session.append(Turn(question: "问题\(i)", answer: "回答\(i)", at: at), limits: SessionLimits())
        }
        return session
    }

    @Test func roundTripsAndNamesFilesByHash() async throws {
        let store = try FileSessionStore(dataDirectory: directory)
        let user = testHasher.hash("telegram:bot:5123456789")
        let session = sampleSession()
        try await store.save(session, for: user)
        let loaded = try #require(try await store.load(user))
        #expect(loaded.turns.map(\.question) == ["问题0", "问题1"])
        let names = try FileManager.default.contentsOfDirectory(atPath: directory + "/sessions")
        #expect(names == [user.value + ".json"])
        #expect(!names[0].contains("5123456789"))
        #expect(permissions(directory + "/sessions/" + names[0]) == 0o600)
        #expect(permissions(directory + "/sessions") == 0o700)
        #expect(try await store.load(testHasher.hash("someone-else")) == nil)
    }

    @Test func concurrentSavesOfManyUsersAllLand() async throws {
        let store = try FileSessionStore(dataDirectory: directory)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<200 {
                group.addTask { try await store.save(sampleSession(turns: i % 5 + 1), for: testHasher.hash("u\(i)")) }
            }
            try await group.waitForAll()
        }
        for i in 0..<200 {
            let loaded = try await store.load(testHasher.hash("u\(i)"))
            #expect(loaded?.turns.count == i % 5 + 1)
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory + "/sessions").filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test func corruptFileIsQuarantinedNotCrashedOn() async throws {
        let store = try FileSessionStore(dataDirectory: directory)
        let user = testHasher.hash("alice")
        let path = directory + "/sessions/" + user.value + ".json"
        try Data("{\"version\":1,\"turns\":[{\"quest".utf8).write(to: URL(fileURLWithPath: path))
        #expect(try await store.load(user) == nil)
        #expect(!FileManager.default.fileExists(atPath: path))
        let quarantined = try FileManager.default.contentsOfDirectory(atPath: directory + "/quarantine")
        #expect(quarantined.count == 1 && quarantined[0].hasPrefix(user.value + "-"))
        // The user can carry on.
        try await store.save(sampleSession(), for: user)
        #expect(try await store.load(user)?.turns.count == 2)
    }

    @Test func deleteRemovesEveryTraceIncludingQuarantine() async throws {
        let store = try FileSessionStore(dataDirectory: directory)
        let user = testHasher.hash("alice")
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: directory + "/sessions/" + user.value + ".json"))
        _ = try await store.load(user)
        try await store.save(sampleSession(), for: user)
        try await store.delete(user)
        #expect(try await store.load(user) == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/sessions").isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/quarantine").isEmpty)
    }

    @Test func sweepRemovesOnlyIdleSessions() async throws {
        let store = try FileSessionStore(dataDirectory: directory)
        let old = testHasher.hash("old"), fresh = testHasher.hash("fresh")
        try await store.save(sampleSession(), for: old)
        try await store.save(sampleSession(), for: fresh)
        // Age the old file by two days.
        let twoDaysAgo = Date().addingTimeInterval(-48 * 3600)
        try FileManager.default.setAttributes([.modificationDate: twoDaysAgo], ofItemAtPath: directory + "/sessions/" + old.value + ".json")
        let removed = try await store.sweep(idleSince: Date().addingTimeInterval(-24 * 3600))
        #expect(removed == 1)
        #expect(try await store.load(old) == nil)
        #expect(try await store.load(fresh) != nil)
    }

    @Test func unwritableDirectoryIsReportedAndOtherUsersKeepTheirData() async throws {
        let store = try FileSessionStore(dataDirectory: directory)
        let bob = testHasher.hash("bob")
        try await store.save(sampleSession(turns: 3), for: bob)
        // Make writing impossible (even for root): the temp file's path goes through a regular file.
        let blocker = directory + "/sessions/" + testHasher.hash("alice").value + ".json.tmp"
        try FileManager.default.createDirectory(atPath: blocker, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: blocker + "/keep"))
        await #expect(throws: StoreError.self) {
            try await store.save(sampleSession(), for: testHasher.hash("alice"))
        }
        #expect(try await store.load(bob)?.turns.count == 3)
    }

    @Test func rejectsHashesThatCouldEscapeTheDirectory() async throws {
        let store = try FileSessionStore(dataDirectory: directory)
        await #expect(throws: StoreError.self) { try await store.save(sampleSession(), for: UserHash("../../etc/passwd")) }
        await #expect(throws: StoreError.self) { _ = try await store.load(UserHash("ABC")) }
    }
}
