import ChatCore
import Foundation
import Testing
@testable import Storage

@Suite struct HMACUserKeyHasherTests {
    @Test func hashesAreKeyedStableAndHex() {
        let a = HMACUserKeyHasher(key: Array("key-one-key-one-key-one-key-one!".utf8))
        let b = HMACUserKeyHasher(key: Array("key-two-key-two-key-two-key-two!".utf8))
        let h = a.hash("telegram:bot:5123456789")
        #expect(h == a.hash("telegram:bot:5123456789"))
        #expect(h != b.hash("telegram:bot:5123456789"))
        #expect(h.value.count == 32 && h.value.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        #expect(!h.value.contains("5123456789"))
        #expect(a.hashIdentifier("x") != a.hash("x").value)
    }

    @Test func keyFileIsCreatedOnceWithMode0600() throws {
        let directory = temporaryDirectory()
        let first = try HMACUserKeyHasher.loadOrCreateKey(dataDirectory: directory)
        let second = try HMACUserKeyHasher.loadOrCreateKey(dataDirectory: directory)
        #expect(first == second && first.count == 32)
        #expect(permissions(directory + "/hash.key") == 0o600)
    }
}
